import FailoverCore

/// The pair's config and the timing of the simulated world.
public struct SimParameters: Equatable, Sendable, CustomStringConvertible {
    public var arbiter = true
    public var hasVIP = true
    public var registersDNS = true
    public var preference: String?
    public var heartbeatInterval: Duration = .milliseconds(100)
    public var deadAfter = 3
    public var fence: Duration = .seconds(1)
    public var failbackDelay: Duration = .seconds(2)
    public var reconcileInterval: Duration = .seconds(3)
    /// One-way network delay between the nodes, and to the DNS server.
    public var networkDelay: ClosedRange<Duration> = .milliseconds(1)...(.milliseconds(3))
    public var dnsDelay: ClosedRange<Duration> = .milliseconds(1)...(.milliseconds(2))
    /// How long a DNS client waits before it calls the server unreachable.
    public var dnsTimeout: Duration = .milliseconds(300)
    public var vipLatency: ClosedRange<Duration> = .microseconds(500)...(.milliseconds(2))
    public var scriptLatency: ClosedRange<Duration> = .milliseconds(1)...(.milliseconds(20))

    public init() {}

    func settings(for index: Int) -> MachineSettings {
        var settings = MachineSettings(
            me: SimWorld.names[index], peer: SimWorld.names[1 - index], heartbeatInterval: heartbeatInterval,
            deadAfter: deadAfter, preference: preference, failbackDelay: failbackDelay, hasVIP: hasVIP,
            registersDNS: registersDNS, arbiter: arbiter, fence: fence,
            fingerprint: ConfigFingerprint(identity: 1, preference: preference.map { UInt32($0.utf8.first!) } ?? 0, settings: 1))
        settings.reconcileInterval = reconcileInterval
        return settings
    }

    var deadTime: Duration { heartbeatInterval * deadAfter }

    /// The longest overlap after a partition that the arbiter allows: the fence window, plus the
    /// time for the news to cross the network and for the VIP to be removed.
    var overlapBound: Duration {
        fence + heartbeatInterval + networkDelay.upperBound * 2 + dnsTimeout + vipLatency.upperBound * 2
    }

    /// DESIGN.md invariant 2: dead time, plus the fence, plus a DNS round trip (and the plumbing and
    /// start_prim that follow).
    var takeoverBound: Duration {
        deadTime + fence + dnsDelay.upperBound * 4 + heartbeatInterval + vipLatency.upperBound + scriptLatency.upperBound * 2
    }

    public var description: String {
        "arbiter=\(arbiter ? "on" : "off") vip=\(hasVIP ? "on" : "off") dns=\(registersDNS ? "on" : "off") "
            + "preference=\(preference ?? "none")"
    }
}
