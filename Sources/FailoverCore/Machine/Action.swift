/// What the core asks the shell to do. Results come back as events.
public enum Action: Equatable, Sendable {
    /// Remove the VIP wherever it lingers on this host (at start, and when it appears on a node that
    /// does not hold it); answered by `slateCleaned`.
    case cleanSlate
    /// Plumb and announce the VIP, probing first for another host that answers for it when the
    /// peer has not just said that it let the VIP go; answered by `vipPlumbed` or `vipPlumbFailed`.
    case plumbVIP(probe: Bool)
    /// Remove the VIP, first resetting the connections bound to it; answered by `vipUnplumbed`.
    case unplumbVIP(resetConnections: Bool)
    /// Answered by `scriptFinished`.
    case runScript(Script)
    /// Send a heartbeat now with `status` (the shell adds identity, sequence and MAC).
    case sendHeartbeat(NodeStatus)
    /// Answered by `ownerRead` or `ownerUnreachable`.
    case readOwner
    /// Compare-and-swap; answered by `ownerWritten`, `ownerMismatch` or `ownerUnreachable`.
    case writeOwner(expected: OwnerClaim?, new: OwnerClaim)
    /// Make the shared name (and PTR, and the nodes' own names) say what the active node needs;
    /// with the arbiter, guarded by the owner record holding this claim. Answered by
    /// `recordsRegistered` or `recordsFailed`.
    case registerRecords(OwnerClaim)
    /// The state changed: for the log and `dnsfix status`.
    case transition(Transition)
    /// An operator command that cannot act now, and why.
    case refuse(String)
    /// The graceful stop that SIGTERM asked for is done: the agent may exit.
    case exit
}

public struct Transition: Equatable, Sendable, CustomStringConvertible {
    public var from: NodeStatus
    public var to: NodeStatus
    public var reason: String

    public var description: String {
        func show(_ status: NodeStatus) -> String {
            status.waitReason.map { "\(status.role) (\($0))" } ?? "\(status.role)"
        }
        return "\(show(from)) -> \(show(to)) epoch \(to.epoch): \(reason)"
    }
}
