/// Everything that happens to a node: operator commands, time, the peer's heartbeats, and the
/// results of the actions the core asked for (the core never assumes that an action worked).
public enum Event: Equatable, Sendable {
    /// The agent started, or `dnsfix start`.
    case start
    /// `dnsfix stop`; `exiting` for SIGTERM: hand over, then let the agent exit.
    case stop(exiting: Bool)
    /// `dnsfix swap`: the active node hands the VIP to its peer.
    case swap
    /// `dnsfix prim`: take over now, without the start-up wait, unless the peer is active.
    case forcePrim
    /// `dnsfix second`: hand the VIP to the peer, or start as standby.
    case forceSecond
    /// Time passed (the shell ticks at `nextDeadline`, and may tick more often).
    case tick
    /// A heartbeat from the peer, authenticated and fresh (PeerChannel has dropped the rest).
    case heartbeat(PeerReport)
    /// The peer's host answered a heartbeat with "port unreachable": no agent listens there (killed,
    /// crashed, not started). Evidence only together with silence (`MachineSettings.refusalGrace`).
    case peerRefused

    case vipPlumbed
    /// `conflict`: another host answers for the VIP (a probe reply from a MAC that is not the peer's).
    case vipPlumbFailed(conflict: Bool)
    case vipUnplumbed
    /// The VIP vanished from the interface while this node holds it (removed by hand).
    case vipMissing
    /// The VIP appeared on this host (plumbed by hand, or by another tool); harmless while this node
    /// holds it, a second holder otherwise.
    case vipAppeared
    /// The clean slate is done (or failed and was logged: plumbing will then fail on its own).
    case slateCleaned
    case interfaceDown
    case interfaceUp

    case scriptFinished(Script, succeeded: Bool)

    case ownerRead(OwnerClaim?)
    case ownerWritten
    /// The compare-and-swap's prerequisite failed: the record changed since it was read.
    case ownerMismatch
    case ownerUnreachable
    case recordsRegistered
    /// The server refused the records' prerequisite: the owner record does not hold this node's claim.
    case recordsRejected
    case recordsFailed
}

/// The operator's restart scripts, named as SafeKit names them.
public enum Script: String, Sendable, CaseIterable {
    case prestart, startPrim = "start_prim", stopPrim = "stop_prim", startSecond = "start_second",
         stopSecond = "stop_second", poststop
}

/// A peer's heartbeat, as the core sees it.
public struct PeerReport: Equatable, Sendable {
    public var node: String
    public var status: NodeStatus
    public var fingerprint: ConfigFingerprint

    public init(node: String, status: NodeStatus, fingerprint: ConfigFingerprint) {
        self.node = node
        self.status = status
        self.fingerprint = fingerprint
    }
}
