/// One heartbeat: who sends it, which run of the sender (boot id), its place in that run
/// (sequence), the last message it received from the receiver (echo), and the sender's status.
public struct Heartbeat: Equatable, Sendable {
    public struct Echo: Equatable, Sendable {
        public var bootID: UInt64
        public var sequence: UInt64

        public static let none = Echo(bootID: 0, sequence: 0)

        public init(bootID: UInt64, sequence: UInt64) {
            self.bootID = bootID
            self.sequence = sequence
        }
    }

    public var node: String
    public var bootID: UInt64
    public var sequence: UInt64
    public var echo: Echo
    public var status: NodeStatus
    public var fingerprint: ConfigFingerprint

    public init(node: String, bootID: UInt64, sequence: UInt64, echo: Echo, status: NodeStatus,
                fingerprint: ConfigFingerprint) {
        self.node = node
        self.bootID = bootID
        self.sequence = sequence
        self.echo = echo
        self.status = status
        self.fingerprint = fingerprint
    }
}

/// Why a datagram was not trusted. Each is counted; none reaches the state machine.
public enum HeartbeatDrop: String, Error, Equatable, Sendable, CaseIterable {
    case malformed
    case unsupportedVersion = "unsupported_version"
    /// Unsigned, forged, or signed with another key.
    case badMAC = "bad_mac"
    case unknownNode = "unknown_node"
    /// Older than the last message accepted from the peer, and not a copy of a recent one: reordered
    /// after a loss, or recorded and sent again.
    case replayed
    /// A copy of a message accepted from the peer a moment ago: with several heartbeat networks every
    /// heartbeat arrives once per network, so this is the normal case, not an attack.
    case duplicate
    /// Authentic, but it does not yet echo this node's current run, so it may be a recording: it
    /// only earns a reply, whose echo the peer's next heartbeat must carry.
    case unverified
}
