import Foundation
import TestSupport
import Synchronization

/// What each observer of the demonstration saw, and when: one lane per thing watched (a node's state,
/// who holds the VIP, what the primary answers, the client's tries), each a series of changes.
final class TimelineRecorder: Sendable {
    enum Lane: String, Sendable, CaseIterable {
        case nodeA = "node-a", nodeB = "node-b", vip = "VIP on", dns = "DNS owner", client = "client", announcement = "ARP"
    }

    struct Entry: Sendable {
        let lane: Lane
        let value: String
        let at: ContinuousClock.Instant
    }

    private let entries = Mutex<[Entry]>([])
    private let stopped = Atomic<Bool>(false)

    /// Records `value` unless the lane already says it (the client and ARP lanes record every event).
    func record(_ lane: Lane, _ value: String, at time: ContinuousClock.Instant = .now) {
        entries.withLock { list in
            let everyEvent = lane == .client || lane == .announcement
            if !everyEvent, list.last(where: { $0.lane == lane })?.value == value { return }
            list.append(Entry(lane: lane, value: value, at: time))
        }
    }

    var all: [Entry] { entries.withLock { $0 } }

    /// The first entry of `lane` at or after `start` that satisfies `matches`.
    func first(_ lane: Lane, after start: ContinuousClock.Instant, where matches: (String) -> Bool) -> Entry? {
        all.first { $0.lane == lane && $0.at >= start && matches($0.value) }
    }

    /// Waits (polling every 10 ms, at most `seconds`) until the lane says what `matches` wants: its
    /// latest entry, or one at or after `start`.
    func wait(_ lane: Lane, after start: ContinuousClock.Instant, seconds: Double = 5,
              where matches: @escaping (String) -> Bool) async throws -> Entry {
        for _ in 0..<Int(seconds * 100) {
            if let latest = all.last(where: { $0.lane == lane }), matches(latest.value) { return latest }
            if let entry = first(lane, after: start, where: matches) { return entry }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TimelineError("\(lane.rawValue) never showed what was awaited within \(seconds) s")
    }

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    func stop() { stopped.store(true, ordering: .releasing) }

    /// Runs `body` every `interval` on a thread of its own (in `namespace`, if given) until `stop()`.
    func observe(every interval: Duration, in namespace: String? = nil, _ body: @escaping @Sendable () -> Void) {
        let micros = UInt32(interval.components.attoseconds / 1_000_000_000_000 + interval.components.seconds * 1_000_000)
        let thread = Thread { [self] in
            if let namespace { do { try enterNamespace(namespace) } catch { return } }
            while !isStopped {
                body()
                usleep(micros)
            }
        }
        thread.start()
    }
}

struct TimelineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
