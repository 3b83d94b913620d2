/// A reading of a node's monotonic clock. The core never reads a clock: the shell passes the time in
/// with every event, so the same events at the same times always give the same actions.
public struct MonotonicTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var sinceStart: Duration

    public init(_ sinceStart: Duration) {
        self.sinceStart = sinceStart
    }

    public static let zero = MonotonicTime(.zero)

    public static func < (lhs: MonotonicTime, rhs: MonotonicTime) -> Bool { lhs.sinceStart < rhs.sinceStart }
    public static func + (lhs: MonotonicTime, rhs: Duration) -> MonotonicTime { MonotonicTime(lhs.sinceStart + rhs) }
    public static func - (lhs: MonotonicTime, rhs: MonotonicTime) -> Duration { lhs.sinceStart - rhs.sinceStart }

    public var milliseconds: Int64 { sinceStart.milliseconds }

    public var description: String { "\(milliseconds)ms" }
}
