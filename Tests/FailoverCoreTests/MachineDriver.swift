@testable import FailoverCore

/// Drives one node's core by hand: events in, actions out, time passed in.
struct MachineDriver {
    var machine: PairMachine
    var now = MonotonicTime.zero
    var last: [Action] = []
    static let fingerprint = ConfigFingerprint(identity: 1, preference: 2, settings: 3)

    init(_ settings: MachineSettings = MachineSettings(me: "a", peer: "b", fingerprint: fingerprint)) {
        machine = PairMachine(settings: settings)
    }

    static func settings(preference: String? = nil, arbiter: Bool = true, hasVIP: Bool = true) -> MachineSettings {
        MachineSettings(me: "a", peer: "b", preference: preference, hasVIP: hasVIP, arbiter: arbiter, fingerprint: fingerprint)
    }

    @discardableResult
    mutating func on(_ event: Event, after delay: Duration = .zero) -> [Action] {
        now = now + delay
        last = machine.handle(event, at: now)
        return last
    }

    /// The agent starts and the VIP layer confirms the clean slate.
    mutating func start() {
        on(.start)
        if machine.settings.hasVIP { on(.slateCleaned) }
    }

    /// The peer's heartbeat.
    @discardableResult
    mutating func peer(_ role: Role, epoch: UInt64, activating: Bool = false, eligible: Bool = true,
                       yielding: Bool = false, swapRequested: Bool = false, reason: WaitReason? = nil,
                       fingerprint: ConfigFingerprint = fingerprint, after delay: Duration = .milliseconds(1)) -> [Action] {
        let status = NodeStatus(role: role, waitReason: reason, epoch: epoch, activating: activating, eligible: eligible,
                                yielding: yielding, swapRequested: swapRequested)
        return on(.heartbeat(PeerReport(node: "b", status: status, fingerprint: fingerprint)), after: delay)
    }

    /// The actions worth asserting on: heartbeats and transitions left out.
    var did: [Action] {
        last.filter {
            switch $0 {
            case .sendHeartbeat, .transition: false
            default: true
            }
        }
    }

    var role: Role { machine.role }
    var reason: WaitReason? { machine.role == .wait ? machine.waitReason : nil }

    // MARK: Situations

    /// Started, heard a standby peer, won the election, plumbed: PRIM under epoch 1.
    mutating func primWithSecond() {
        plumbedWithSecond()
        on(.scriptFinished(.startPrim, succeeded: true))
        on(.ownerRead(nil))
        on(.ownerWritten)
    }

    /// Started, heard a standby peer, won the election, plumbed; start_prim is running.
    mutating func plumbedWithSecond() {
        start()
        peer(.wait, epoch: 0, reason: .startup)
        peer(.second, epoch: 1)
        on(.vipPlumbed)
    }

    /// PRIM, and the peer falls silent for the dead time.
    mutating func primLosingItsPeer() {
        primWithSecond()
        on(.tick, after: .milliseconds(300))
    }

    /// Started alone, claimed the pair at the arbiter after the start-up wait: ALONE under epoch 1.
    mutating func aloneAfterStartup() {
        start()
        on(.tick, after: .seconds(1))
        on(.ownerRead(nil))
        on(.ownerWritten)
        on(.vipPlumbed)
        on(.scriptFinished(.startPrim, succeeded: true))
    }

    /// Started, heard an active peer: SECOND.
    mutating func secondOfPrim() {
        start()
        peer(.prim, epoch: 1)
    }
}
