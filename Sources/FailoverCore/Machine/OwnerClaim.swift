import DNSModel

/// The owner record: a TXT beside the shared name saying which node owns the pair, under which
/// epoch. Every write is a compare-and-swap on the value read before, so the server serialises
/// takeovers and the epoch it holds never goes down.
public struct OwnerClaim: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var node: String
    public var epoch: UInt64

    public init(node: String, epoch: UInt64) {
        self.node = node
        self.epoch = epoch
    }

    /// `_dnsfix-owner.<shared name>`: beside the shared name, out of the way of its A/AAAA lookups.
    public static func recordName(for sharedName: DNSName) throws -> DNSName {
        try DNSName("_dnsfix-owner." + sharedName.text)
    }

    /// The TXT string: `node=node-a epoch=7`.
    public var text: String { "node=\(node) epoch=\(epoch)" }

    public init?(text: String) {
        var node: String?
        var epoch: UInt64?
        for field in text.split(separator: " ") {
            if field.hasPrefix("node=") { node = String(field.dropFirst(5)) }
            if field.hasPrefix("epoch=") { epoch = UInt64(field.dropFirst(6)) }
        }
        guard let node, !node.isEmpty, let epoch else { return nil }
        self.init(node: node, epoch: epoch)
    }

    public var description: String { "\(node)@\(epoch)" }
}

/// Why the core reads or writes the owner record.
public enum ArbiterPurpose: Equatable, Sendable {
    /// Take the pair over without the peer's consent (the peer is silent).
    case claim
    /// Still active, the peer just went silent: raise the epoch, so that of two partitioned nodes
    /// exactly one wins at the server.
    case bump
    /// Still active without the peer: make sure nobody took the pair over.
    case confirm
    /// Became active with the peer's consent: write the new epoch down.
    case record
}

/// What the owner record just read means for this node.
public enum ArbiterDecision: Equatable, Sendable {
    case write(expected: OwnerClaim?, new: OwnerClaim)
    /// The record already says what this node needs.
    case confirmed
    /// The peer owns the pair under an epoch this node never saw: step down or stay away.
    case lost(OwnerClaim)
    /// The server holds an epoch at or above this node's term (left by an earlier run): take this
    /// epoch first and let the peer hear it, then record it. Written at once, a crash before the next
    /// heartbeat would leave the peer reading an epoch it never heard, as a sign of life elsewhere.
    case adopt(epoch: UInt64)
}

public enum Arbiter {
    /// The facts of this node that a decision weighs.
    public struct Standing: Equatable, Sendable {
        public var me: String
        /// The highest epoch seen anywhere: new claims go above it.
        public var knownEpoch: UInt64
        /// The epoch under which this node is active, if it is.
        public var activeEpoch: UInt64?
        /// The highest epoch the peer's heartbeats showed: its term, its intent, or what it knew.
        public var peerLastEpoch: UInt64
        /// The peer is heard and stands by: a record naming it above this node's epoch is a leftover
        /// (a write that landed after the peer had stepped down), not a takeover.
        public var peerStandsBy: Bool
        /// This node has not heard its peer since it started, so it knows no epoch to judge a record
        /// naming the peer by: it takes over, and a live owner learns it at its next confirmation.
        public var stealUnknown: Bool

        public init(me: String, knownEpoch: UInt64, activeEpoch: UInt64?, peerLastEpoch: UInt64,
                    peerStandsBy: Bool, stealUnknown: Bool) {
            self.me = me
            self.knownEpoch = knownEpoch
            self.activeEpoch = activeEpoch
            self.peerLastEpoch = peerLastEpoch
            self.peerStandsBy = peerStandsBy
            self.stealUnknown = stealUnknown
        }
    }

    public static func decide(_ purpose: ArbiterPurpose, read: OwnerClaim?, _ standing: Standing) -> ArbiterDecision {
        let me = standing.me
        let known = standing.knownEpoch
        switch purpose {
        case .confirm:
            guard let read else { return .lost(OwnerClaim(node: "", epoch: 0)) }
            return read.node == me && read.epoch == standing.activeEpoch ? .confirmed : .lost(read)
        case .claim:
            guard let read else { return .write(expected: nil, new: OwnerClaim(node: me, epoch: known + 1)) }
            // The peer wrote under an epoch above anything it said before falling silent: it is alive elsewhere.
            if read.node != me, read.epoch > standing.peerLastEpoch, !standing.stealUnknown { return .lost(read) }
            return .write(expected: read, new: OwnerClaim(node: me, epoch: max(read.epoch, known) + 1))
        case .bump, .record:
            let epoch = standing.activeEpoch ?? known
            let raise = purpose == .bump
            guard let read else { return .write(expected: nil, new: OwnerClaim(node: me, epoch: raise ? max(epoch, known) + 1 : epoch)) }
            if !raise, read == OwnerClaim(node: me, epoch: epoch) { return .confirmed }
            // The peer wrote at or after this node's term began.
            if read.node != me, read.epoch >= epoch, raise || !standing.peerStandsBy { return .lost(read) }
            if !raise, read.epoch >= epoch { return .adopt(epoch: read.epoch + 1) }
            // The epoch at the server never goes down, even under a record written before a restart.
            let new = raise ? max(read.epoch, known, epoch) + 1 : max(epoch, read.epoch + 1)
            return .write(expected: read, new: OwnerClaim(node: me, epoch: new))
        }
    }
}
