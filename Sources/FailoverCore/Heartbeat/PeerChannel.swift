import Crypto

/// The authenticated, replay-proof link to the peer, for one run of this node: it seals outgoing
/// heartbeats and opens incoming ones, counting everything it drops.
///
/// Replay: within a run of the peer, sequence numbers must rise. A copy of one of the last 64
/// messages accepted is counted as a `duplicate`, not `replayed`: with several heartbeat networks
/// each message arrives once per network. A new run of the peer is believed only when its message echoes this node's current run
/// (so it was made after this run began) and a later message of this run than any echo seen so far
/// (so it is newer than the run it replaces). No clock is involved, so clock steps cannot open a
/// window.
public struct PeerChannel: Sendable {
    public enum Received: Equatable, Sendable {
        case report(PeerReport)
        /// Authentic but not yet tied to this run: answer at once, so the peer can echo it.
        case hello
        case dropped(HeartbeatDrop)

        /// From the peer's current run, fresh or a copy of its latest message: the network it came
        /// over carries the peer's heartbeats. A hello proves nothing (it may be a recording).
        public var provesLink: Bool {
            switch self {
            case .report, .dropped(.duplicate): true
            case .hello, .dropped: false
            }
        }
    }

    private struct Session: Sendable {
        var bootID: UInt64
        /// The message that began the session: older ones of the same run came before the link was
        /// verified (a hello and its copies over the other heartbeat networks).
        var firstSequence: UInt64
        var lastSequence: UInt64
        var highestEcho: UInt64
        /// Bit i set: message `lastSequence - i` was accepted. A copy of one of these is a duplicate:
        /// it came again over another heartbeat network, perhaps after a newer one over a faster one.
        var recent: UInt64 = 1

        func accepted(_ sequence: UInt64) -> Bool {
            let age = lastSequence - sequence
            return age < UInt64(UInt64.bitWidth) && recent & (1 << age) != 0
        }

        mutating func advance(to sequence: UInt64) {
            recent = recent << (sequence - lastSequence) | 1
            lastSequence = sequence
        }
    }

    public let me: String
    public let peer: String
    public let bootID: UInt64
    private let key: SymmetricKey
    public private(set) var sequence: UInt64 = 0
    private var echo = Heartbeat.Echo.none
    private var session: Session?
    public private(set) var drops: [HeartbeatDrop: Int] = [:]
    public private(set) var accepted = 0

    public init(me: String, peer: String, key: [UInt8], bootID: UInt64) {
        self.me = me
        self.peer = peer
        self.key = SymmetricKey(data: key)
        self.bootID = bootID
    }

    public mutating func seal(_ status: NodeStatus, fingerprint: ConfigFingerprint) -> [UInt8] {
        sequence += 1
        let heartbeat = Heartbeat(node: me, bootID: bootID, sequence: sequence, echo: echo, status: status,
                                  fingerprint: fingerprint)
        return HeartbeatCodec.encode(heartbeat, key: key)
    }

    public mutating func open(_ bytes: [UInt8]) -> Received {
        let heartbeat: Heartbeat
        do {
            heartbeat = try HeartbeatCodec.decode(bytes, key: key)
        } catch {
            return drop(error)
        }
        guard heartbeat.node == peer else { return drop(.unknownNode) }
        if var current = session, current.bootID == heartbeat.bootID {
            guard heartbeat.sequence > current.lastSequence else {
                if current.accepted(heartbeat.sequence) { return drop(.duplicate) }
                // A late copy, over a slower network, of a message from before the session began.
                if heartbeat.sequence < current.firstSequence { return drop(.unverified) }
                return drop(.replayed)
            }
            current.advance(to: heartbeat.sequence)
            if heartbeat.echo.bootID == bootID { current.highestEcho = max(current.highestEcho, heartbeat.echo.sequence) }
            session = current
            return accept(heartbeat)
        }
        guard heartbeat.echo.bootID == bootID, heartbeat.echo.sequence <= sequence else {
            echo = Heartbeat.Echo(bootID: heartbeat.bootID, sequence: heartbeat.sequence)
            drops[.unverified, default: 0] += 1
            return .hello
        }
        if let current = session, heartbeat.echo.sequence <= current.highestEcho { return drop(.replayed) }
        session = Session(bootID: heartbeat.bootID, firstSequence: heartbeat.sequence, lastSequence: heartbeat.sequence,
                          highestEcho: heartbeat.echo.sequence)
        return accept(heartbeat)
    }

    private mutating func accept(_ heartbeat: Heartbeat) -> Received {
        echo = Heartbeat.Echo(bootID: heartbeat.bootID, sequence: heartbeat.sequence)
        accepted += 1
        return .report(PeerReport(node: heartbeat.node, status: heartbeat.status, fingerprint: heartbeat.fingerprint))
    }

    private mutating func drop(_ reason: HeartbeatDrop) -> Received {
        drops[reason, default: 0] += 1
        return .dropped(reason)
    }
}
