/// The five states of a SafeKit mirror module, as the node reports them to its peer and operator.
public enum Role: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Not managing anything (stopped by the operator).
    case stop = 0
    /// Running but may not serve: see the WaitReason.
    case wait = 1
    /// Active; the peer is absent or not standing by.
    case alone = 2
    /// Active; the peer stands by as SECOND.
    case prim = 3
    /// Standing by; the peer is active (or about to be).
    case second = 4

    public var isActive: Bool { self == .alone || self == .prim }
    public var description: String {
        switch self {
        case .stop: "STOP"
        case .wait: "WAIT"
        case .alone: "ALONE"
        case .prim: "PRIM"
        case .second: "SECOND"
        }
    }
}

/// Why a node is in WAIT, and what it waits for. Each has an operator action in the README.
public enum WaitReason: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Listening for the peer before acting (start-up wait).
    case startup = 1
    /// Lost the compare-and-swap at the DNS server: the peer owns the pair. Waits to hear the peer.
    case lostArbitration = 2
    /// Was active without its peer and could not confirm its ownership at the DNS server within the
    /// fence window, so it gave the VIP up. Tries again while the server stays unreachable.
    case fenced = 3
    /// Would take over alone, but the DNS server cannot be reached to claim the pair.
    case dnsUnreachable = 4
    /// The interface that carries the VIP is down.
    case interfaceDown = 5
    /// Another host answers for the VIP.
    case vipConflict = 6
    /// The VIP could not be plumbed.
    case vipFailed = 7
    /// A restart script failed (`prestart` or `start_prim`).
    case scriptFailed = 8
    /// The peer's config differs in the VIP or the shared name: neither may manage it.
    case brokenConfig = 9

    /// Reasons that clear by themselves once time passes, so the node may try again.
    var retriesAfterDelay: Bool {
        switch self {
        case .fenced, .dnsUnreachable, .vipConflict, .vipFailed: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .startup: "start-up wait"
        case .lostArbitration: "lost the pair at the DNS arbiter"
        case .fenced: "fenced: ownership not confirmed at the DNS server"
        case .dnsUnreachable: "DNS server unreachable, cannot claim the pair"
        case .interfaceDown: "interface down"
        case .vipConflict: "another host answers for the VIP"
        case .vipFailed: "the VIP could not be plumbed"
        case .scriptFailed: "a restart script failed"
        case .brokenConfig: "the peer's config differs in the VIP or the shared name"
        }
    }
}

extension WaitReason {
    /// The case's name, as transcripts, logs and JSON write it.
    public var name: String {
        switch self {
        case .startup: "startup"
        case .lostArbitration: "lostArbitration"
        case .fenced: "fenced"
        case .dnsUnreachable: "dnsUnreachable"
        case .interfaceDown: "interfaceDown"
        case .vipConflict: "vipConflict"
        case .vipFailed: "vipFailed"
        case .scriptFailed: "scriptFailed"
        case .brokenConfig: "brokenConfig"
        }
    }
}

/// Config disagreements that the nodes see in each other's heartbeats (DuraVIP's labels).
public enum ConfigLabel: String, Sendable, CaseIterable {
    /// The preference differs: it is ignored and the election runs without it.
    case conflict = "CONFLICT"
    /// Other settings differ: the pair runs, and shows it.
    case unsafe = "UNSAFE"
    /// The VIP or the shared name differ: neither node may manage them.
    case broken = "BROKEN"

    /// What the label means and what the operator should do, for `dnsfix status`.
    public var advice: String {
        switch self {
        case .conflict: "the two config files name different preferred nodes: the preference is ignored; make the files equal"
        case .unsafe: "the two config files differ in the nodes, heartbeat timing or networks, failback, the VIP's topology "
            + "or the DNS settings: make the files equal"
        case .broken: "the two config files differ in the pair's name, the VIP or the shared name: nothing is taken over; "
            + "make the files equal"
        }
    }
}

/// What a node says about itself in every heartbeat.
public struct NodeStatus: Equatable, Sendable {
    public var role: Role
    public var waitReason: WaitReason?
    /// The highest epoch this node knows, or the epoch under which it is active.
    public var epoch: UInt64
    /// It is taking over (announced intent, claiming, plumbing or starting): the peer must not.
    public var activating = false
    /// It could become active now: not stopped, not in a WAIT that bars it.
    public var eligible = false
    /// It asks its peer to take the VIP (swap, failback, graceful stop).
    public var yielding = false
    /// An operator asked for a swap on this standby node: the active peer should hand over.
    public var swapRequested = false

    public init(role: Role, waitReason: WaitReason? = nil, epoch: UInt64, activating: Bool = false,
                eligible: Bool = false, yielding: Bool = false, swapRequested: Bool = false) {
        self.role = role
        self.waitReason = waitReason
        self.epoch = epoch
        self.activating = activating
        self.eligible = eligible
        self.yielding = yielding
        self.swapRequested = swapRequested
    }

    /// Holds the VIP or is about to: the peer must stay away.
    public var claimsService: Bool { role.isActive || activating }
}
