/// What the state machine needs of the config, for one node of the pair.
public struct MachineSettings: Sendable, Equatable {
    public var me: String
    public var peer: String
    public var heartbeatInterval: Duration
    public var deadTime: Duration
    public var startupWait: Duration
    /// The preferred node, if any: it takes the VIP back after `failbackDelay`.
    public var preference: String?
    public var failbackDelay: Duration
    /// A VIP to plumb; without one the pair runs DNS-only.
    public var hasVIP: Bool
    /// A shared name to register at the DNS server.
    public var registersDNS: Bool
    /// The DNS server decides which node of a partitioned pair may serve.
    public var arbiter: Bool
    public var fence: Duration
    public var fingerprint: ConfigFingerprint
    /// How often an active node re-registers its records, repairing drift at the server.
    public var reconcileInterval: Duration = ConfigDefaults.reconcile

    public init(me: String, peer: String, heartbeatInterval: Duration = ConfigDefaults.heartbeatInterval,
                deadAfter: Int = ConfigDefaults.deadAfter, startupWait: Duration? = nil,
                preference: String? = nil, failbackDelay: Duration = ConfigDefaults.failbackDelay,
                hasVIP: Bool = true, registersDNS: Bool = true, arbiter: Bool = true,
                fence: Duration = ConfigDefaults.fence, fingerprint: ConfigFingerprint = .init()) {
        self.me = me
        self.peer = peer
        self.heartbeatInterval = heartbeatInterval
        self.deadTime = heartbeatInterval * deadAfter
        self.startupWait = startupWait ?? ConfigDefaults.startupWait(deadTime: heartbeatInterval * deadAfter)
        self.preference = preference
        self.failbackDelay = failbackDelay
        self.hasVIP = hasVIP
        self.registersDNS = registersDNS
        self.arbiter = arbiter && registersDNS
        self.fence = fence
        self.fingerprint = fingerprint
    }

    public init(config: DNSFixConfig, node: NodeSettings) {
        self.init(me: node.name, peer: config.peer(of: node).name,
                  heartbeatInterval: config.pair.heartbeat.interval, deadAfter: config.pair.heartbeat.deadAfter,
                  startupWait: config.pair.startupWait, preference: config.pair.preference,
                  failbackDelay: config.pair.failbackDelay, hasVIP: config.vip != nil,
                  registersDNS: config.dns != nil, arbiter: config.dns?.arbiter ?? false,
                  fence: config.dns?.fence ?? ConfigDefaults.fence, fingerprint: ConfigFingerprint(config))
        reconcileInterval = config.dns?.reconcile ?? ConfigDefaults.reconcile
    }

    /// How often an active node without its peer re-reads the owner record: three times per fence
    /// window, so that one lost reply does not fence it.
    var confirmInterval: Duration { fence / 3 }

    /// How long before an unanswered intent to take over is withdrawn.
    var intentTimeout: Duration { deadTime }
    /// A refused heartbeat proves the peer's agent gone once a heartbeat it would have sent since its
    /// last one is overdue: one and a half intervals, so that a live agent is never taken for dead
    /// on a refusal that a forged or stale ICMP message could cause.
    var refusalGrace: Duration { min(deadTime, heartbeatInterval * 3 / 2) }

    /// Backoff for DNS retries and for WAIT reasons that clear by themselves: 500 ms after the first
    /// failure, doubling to 8 s.
    func backoff(attempt: Int) -> Duration {
        .milliseconds(250) * (1 << min(max(attempt, 0), 5))
    }
}
