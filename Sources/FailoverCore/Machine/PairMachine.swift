/// The mirror-mode state machine of one node: `(state, event, now) -> (state, actions)`.
/// Pure and deterministic; the shell carries the actions out and reports their results as events.
public struct PairMachine: Sendable {
    public private(set) var settings: MachineSettings
    public internal(set) var role: Role = .stop
    public internal(set) var waitReason: WaitReason?
    /// The highest epoch seen in heartbeats and owner records.
    public internal(set) var knownEpoch: UInt64 = 0
    /// The epoch under which this node holds the VIP: set when it starts plumbing, cleared when it
    /// has let the VIP go.
    public internal(set) var activeEpoch: UInt64?
    public internal(set) var labels: Set<ConfigLabel> = []
    public internal(set) var lastTransition: Transition?

    var activation: Activation?
    var release: Release?
    var peer: PeerView?
    var eligible = false
    var yielding = false
    var swapRequested = false
    var forced = false
    var linkDown = false
    /// From a start until the clean slate is confirmed: a VIP an earlier run left in this host's
    /// kernel must be gone before the node stands by or takes over.
    var cleaningSlate = false
    var failedScript: Script?
    var exitWhenStopped = false

    var startupEndsAt: MonotonicTime?
    var waitRetryAt: MonotonicTime?
    var waitFailures = 0
    var failbackAt: MonotonicTime?
    var nextHeartbeatAt: MonotonicTime?
    var lastStatusSent: NodeStatus?
    /// The time of the last event: deadlines already passed are not deadlines any more.
    var lastEventAt: MonotonicTime = .zero

    var arbiter = ArbiterProgress()
    var records = RecordsProgress()

    public init(settings: MachineSettings) {
        self.settings = settings
    }

    /// The one entry point, in the functional form.
    public static func step(_ machine: PairMachine, _ event: Event, at now: MonotonicTime) -> (PairMachine, [Action]) {
        var next = machine
        let actions = next.handle(event, at: now)
        return (next, actions)
    }

    public mutating func handle(_ event: Event, at now: MonotonicTime) -> [Action] {
        var effects = Effects(now: now)
        lastEventAt = now
        let before = status
        apply(event, &effects)
        decide(&effects)
        let after = status
        if after.role != before.role || after.waitReason != before.waitReason {
            let transition = Transition(from: before, to: after, reason: effects.reason ?? "\(event)")
            lastTransition = transition
            effects.actions.append(.transition(transition))
        }
        if after != lastStatusSent || nextHeartbeatAt.map({ now >= $0 }) ?? true {
            effects.actions.append(.sendHeartbeat(after))
            lastStatusSent = after
            nextHeartbeatAt = now + settings.heartbeatInterval
        }
        // The last heartbeat (saying STOP) must leave before the agent does.
        if let exit = effects.actions.firstIndex(of: .exit) {
            effects.actions.append(effects.actions.remove(at: exit))
        }
        return effects.actions
    }

    /// A re-read config (SIGHUP) for the same two nodes: the rules' timings, the preference and the
    /// fingerprints change at once; the labels are judged again against the peer's last heartbeat.
    public mutating func reload(_ new: MachineSettings) -> Bool {
        guard new.me == settings.me, new.peer == settings.peer else { return false }
        settings = new
        if let peer { labels = ConfigLabel.compare(new.fingerprint, peer.report.fingerprint) }
        return true
    }

    /// What this node says about itself in its heartbeats and to `dnsfix status`.
    public var status: NodeStatus {
        NodeStatus(role: role, waitReason: role == .wait ? waitReason : nil,
                   epoch: activeEpoch ?? activation?.proposal ?? knownEpoch,
                   activating: activation != nil, eligible: eligible, yielding: yielding,
                   swapRequested: swapRequested)
    }

    /// Owner record or shared-name records not yet written as they should be.
    public var dnsPending: Bool {
        activeEpoch != nil && settings.registersDNS && (records.pending || (settings.arbiter && !arbiter.recorded))
    }

    /// The peer's last heartbeat, if it is still within the dead time.
    public func livePeer(at now: MonotonicTime) -> PeerReport? {
        guard let peer, now < peer.receivedAt + settings.deadTime else { return nil }
        if peer.refusedAt != nil, now >= peer.receivedAt + settings.refusalGrace { return nil }
        return peer.report
    }

    /// When the peer's last heartbeat arrived.
    public var peerHeardAt: MonotonicTime? { peer?.receivedAt }

    /// When the shell must tick at the latest.
    public var nextDeadline: MonotonicTime? {
        var times: [MonotonicTime?] = [nextHeartbeatAt, waitRetryAt, failbackAt, arbiter.retryAt, arbiter.nextConfirmAt,
                                       arbiter.mandateUntil, records.dueAt]
        if let peer {
            times.append(peer.receivedAt + settings.deadTime)
            if peer.refusedAt != nil { times.append(peer.receivedAt + settings.refusalGrace) }
        }
        if role == .wait, waitReason == .startup { times.append(startupEndsAt) }
        if case .awaitingAck(let since)? = activation?.step { times.append(since + settings.intentTimeout) }
        return times.compactMap { $0 }.filter { $0 > lastEventAt }.min()
    }
}

struct PeerView: Sendable {
    var report: PeerReport
    var receivedAt: MonotonicTime
    /// When the peer's host first refused a heartbeat since `receivedAt`.
    var refusedAt: MonotonicTime?
}

/// Taking the VIP: announced intent (peer present) or claim (peer silent), then plumb, then start_prim.
struct Activation: Sendable {
    enum Step: Equatable, Sendable {
        case awaitingAck(since: MonotonicTime)
        case claiming
        case plumbing
        case starting
    }

    var proposal: UInt64
    var step: Step
    /// Without the peer's consent: the owner record was claimed (or an operator forced it).
    var peerless: Bool
    /// Where to go once the step in flight has finished, if the node must give up meanwhile.
    var abort: Release.Target?
}

/// Giving the VIP up: unplumb first (so the peer may take over at once), then stop_prim.
struct Release: Sendable {
    enum Target: Equatable, Sendable {
        case second
        case wait(WaitReason)
        case stop
    }

    var target: Target
    var reason: String
}

struct ArbiterProgress: Sendable {
    struct Task: Sendable {
        var purpose: ArbiterPurpose
        var writing: OwnerClaim?
        var sentAt: MonotonicTime
        var mismatches = 0
    }

    var task: Task?
    var failures = 0
    var retryAt: MonotonicTime?
    /// Active without the peer: the time until which the VIP may be held without a confirmation.
    var mandateUntil: MonotonicTime?
    var nextConfirmAt: MonotonicTime?
    /// The owner record holds this node's current claim.
    var recorded = false
    /// Has heard its peer since it started (else a record naming the peer cannot be judged).
    var heardPeer = false
    /// The highest epoch the peer's heartbeats showed.
    var peerLastEpoch: UInt64 = 0
}

struct RecordsProgress: Sendable {
    var pending = false
    var inFlight = false
    var failures = 0
    var dueAt: MonotonicTime?
}

/// The actions of one step, and why the state changed.
struct Effects {
    let now: MonotonicTime
    var actions: [Action] = []
    var reason: String?

    mutating func because(_ text: String) {
        if reason == nil { reason = text }
    }
}
