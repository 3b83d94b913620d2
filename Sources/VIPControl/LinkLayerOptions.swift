/// How often to announce a VIP after plumbing it: gratuitous ARP or unsolicited neighbour advertisements.
public struct AnnounceOptions: Sendable, Equatable {
    public var count: Int
    public var interval: Duration

    public init(count: Int = 5, interval: Duration = .seconds(1)) {
        self.count = count
        self.interval = interval
    }
}

/// How to look for another host that answers for a VIP before plumbing it (RFC 5227, RFC 4862 DAD).
public struct ProbeOptions: Sendable, Equatable {
    public var count: Int
    public var interval: Duration
    /// How long to listen for an answer after the last probe.
    public var wait: Duration
    /// Answers from these MACs are no conflict: the peer, whose killed agent may have left the VIP plumbed.
    public var ignoring: Set<MACAddress>

    public init(count: Int = 2, interval: Duration = .milliseconds(50), wait: Duration = .milliseconds(200),
                ignoring: Set<MACAddress> = []) {
        self.count = count
        self.interval = interval
        self.wait = wait
        self.ignoring = ignoring
    }
}
