import FailoverCore

/// DESIGN.md section 2's three invariants, checked as the world runs and once it has settled.
public struct Violation: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Invariant: Int, Sendable {
        case singleHolder = 1, takeover = 2, settledDNS = 3
    }

    public var invariant: Invariant
    public var at: Duration
    public var detail: String

    public var description: String { "invariant \(invariant.rawValue) at \(at.milliseconds)ms: \(detail)" }
}

enum Check {
    /// The active node crashed at `since`; its healthy peer must have taken the VIP by now.
    case takeover(survivor: Int, since: Duration, faults: Int)
}

struct InvariantChecker {
    let parameters: SimParameters
    private(set) var violations: [Violation] = []
    private var overlapSince: Duration?
    private var overlapStartedCalm = false
    private var lastDisturbance: Duration = .zero
    private var faults = 0
    /// A survivor that must take over, and since when.
    private var pendingTakeover: (survivor: Int, since: Duration, faults: Int)?
    private(set) var longestOverlap: Duration = .zero
    private(set) var takeovers: [Duration] = []

    init(parameters: SimParameters) {
        self.parameters = parameters
    }

    /// A fault that may part the nodes: the pair is not calm for a while after it.
    mutating func disturbed(at time: Duration) {
        lastDisturbance = time
    }

    mutating func faultApplied() {
        faults += 1
    }

    /// Long enough for a disturbance to be forgotten: a start-up wait, a dead time, a fence window.
    private var calmAfter: Duration {
        parameters.settings(for: 0).startupWait + parameters.deadTime + parameters.fence + parameters.heartbeatInterval * 2
    }

    mutating func observe(_ world: SimWorld) {
        if let pending = pendingTakeover, world.holdsService(pending.survivor) {
            if pending.faults == faults { takeovers.append(world.now - pending.since) }
            pendingTakeover = nil
        }
        let both = world.holdsService(0) && world.holdsService(1)
        if both, overlapSince == nil {
            overlapSince = world.now
            overlapStartedCalm = world.now - lastDisturbance > calmAfter && world.networkIsWhole
            if overlapStartedCalm {
                report(.singleHolder, world.now, "both nodes hold the VIP while they exchange heartbeats undisturbed")
            }
        } else if !both, let since = overlapSince {
            overlapSince = nil
            let length = world.now - since
            longestOverlap = max(longestOverlap, length)
            if parameters.arbiter, length > parameters.overlapBound {
                report(.singleHolder, world.now, "overlap of \(length.milliseconds)ms exceeds the fence bound "
                    + "\(parameters.overlapBound.milliseconds)ms")
            }
        }
    }

    /// Invariant 2 applies when the survivor is a healthy standby that hears the active node up to the
    /// crash, and nothing else goes wrong.
    mutating func activeCrashed(_ index: Int, world: SimWorld) {
        let survivor = 1 - index
        guard let machine = world.nodes[survivor].machine, machine.role == .second, !machine.status.activating,
              world.reachable.allSatisfy({ $0.allSatisfy { $0 } }), world.loss == 0,
              world.nodes[survivor].failingScripts.isEmpty,
              !parameters.arbiter || (world.dns.up && world.nodes[survivor].reachesDNS) else { return }
        pendingTakeover = (survivor, world.now, faults)
        world.push(.takeover(survivor: survivor, since: world.now, faults: faults),
                   at: world.now + parameters.takeoverBound)
    }

    mutating func verify(_ check: Check, world: SimWorld) {
        switch check {
        case .takeover(let survivor, let since, let count):
            // Only when the crash was the last fault of the window.
            guard let pending = pendingTakeover, pending.survivor == survivor, pending.since == since else { return }
            pendingTakeover = nil
            if faults == count {
                report(.takeover, world.now, "\(SimWorld.names[survivor]) does not hold the VIP "
                    + "\(parameters.takeoverBound.milliseconds)ms after its active peer crashed")
            }
        }
    }

    /// Invariant 3 (and the end of every schedule): one holder, the other standing by, and the DNS
    /// server saying what the holder needs.
    mutating func verifySettled(_ world: SimWorld) {
        let holders = (0..<2).filter { world.holdsService($0) }
        guard holders.count == 1, let holder = holders.first else {
            return report(.settledDNS, world.now, "after settling, \(holders.count) nodes hold the VIP "
                + "(a: \(role(world, 0)), b: \(role(world, 1)))")
        }
        guard let machine = world.nodes[holder].machine, machine.role.isActive, let epoch = machine.activeEpoch else {
            return report(.settledDNS, world.now, "the VIP holder is \(role(world, holder))")
        }
        if world.nodes[1 - holder].machine?.role != .second {
            report(.settledDNS, world.now, "the standby is \(role(world, 1 - holder)), not SECOND")
        }
        let claim = OwnerClaim(node: SimWorld.names[holder], epoch: epoch)
        if parameters.arbiter, world.dns.owner != claim {
            report(.settledDNS, world.now, "the owner record says \(world.dns.owner.map { "\($0)" } ?? "nothing"), not \(claim)")
        }
        if parameters.registersDNS, world.dns.registered?.node != claim.node {
            report(.settledDNS, world.now, "the shared name is registered by \(world.dns.registered.map { "\($0)" } ?? "nobody"), "
                + "not by \(claim.node)")
        }
        if machine.dnsPending { report(.settledDNS, world.now, "DNS still pending on \(claim.node)") }
    }

    private func role(_ world: SimWorld, _ index: Int) -> String {
        guard let machine = world.nodes[index].machine else { return "down" }
        return machine.waitReason.map { "\(machine.role) (\($0))" } ?? "\(machine.role)"
    }

    private mutating func report(_ invariant: Violation.Invariant, _ time: Duration, _ detail: String) {
        violations.append(Violation(invariant: invariant, at: time, detail: detail))
    }
}
