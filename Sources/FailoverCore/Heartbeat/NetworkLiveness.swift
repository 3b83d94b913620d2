/// Which heartbeat networks carry the peer's heartbeats: a network is up while a heartbeat of the
/// peer's current run arrived over it within the dead time. For the status and the logs only: the
/// pair's rules judge the peer, never one network, so losing one of several changes nothing.
public struct NetworkLiveness: Sendable {
    /// A network that went down or came (back) up.
    public struct Change: Equatable, Sendable {
        public var network: Int
        public var up: Bool
    }

    public var deadTime: Duration
    /// When each network last carried a heartbeat; nil: never since this node started.
    public private(set) var lastHeard: [MonotonicTime?]
    public private(set) var isUp: [Bool]

    /// Every network starts down: nothing has been heard over it yet.
    public init(networks: Int, deadTime: Duration) {
        self.deadTime = deadTime
        lastHeard = Array(repeating: nil, count: networks)
        isUp = Array(repeating: false, count: networks)
    }

    /// A heartbeat of the peer's current run arrived over `network`; the change if it was down.
    public mutating func heard(on network: Int, at now: MonotonicTime) -> Change? {
        lastHeard[network] = now
        guard !isUp[network] else { return nil }
        isUp[network] = true
        return Change(network: network, up: true)
    }

    /// The networks that have been silent for the dead time by `now`, now down.
    public mutating func expire(at now: MonotonicTime) -> [Change] {
        var changes: [Change] = []
        for network in isUp.indices where isUp[network] {
            guard let heard = lastHeard[network], now >= heard + deadTime else { continue }
            isUp[network] = false
            changes.append(Change(network: network, up: false))
        }
        return changes
    }

    /// When the next network goes down if nothing more arrives; nil while none is up.
    public var nextDeadline: MonotonicTime? {
        isUp.indices.compactMap { isUp[$0] ? lastHeard[$0].map { $0 + deadTime } : nil }.min()
    }
}
