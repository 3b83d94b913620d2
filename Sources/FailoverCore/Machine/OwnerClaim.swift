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
}

public enum Arbiter {
    /// - Parameters:
    ///   - knownEpoch: the highest epoch this node has seen (heartbeats, earlier reads).
    ///   - activeEpoch: the epoch under which this node is active, if it is.
    ///   - stealUnknown: a node that has not heard its peer since it started knows no epoch, so a
    ///     record naming the peer cannot be judged newer or older: it takes over, and a live owner
    ///     learns it at its next confirmation, within the fence window.
    public static func decide(_ purpose: ArbiterPurpose, read: OwnerClaim?, me: String, knownEpoch: UInt64,
                              activeEpoch: UInt64?, stealUnknown: Bool) -> ArbiterDecision {
        switch purpose {
        case .confirm:
            guard let read, read.node == me, read.epoch == activeEpoch else { return .lost(read ?? OwnerClaim(node: "", epoch: 0)) }
            return .confirmed
        case .record:
            let epoch = activeEpoch ?? knownEpoch
            guard let read else { return .write(expected: nil, new: OwnerClaim(node: me, epoch: epoch)) }
            if read == OwnerClaim(node: me, epoch: epoch) { return .confirmed }
            if read.node != me, read.epoch >= epoch { return .lost(read) }
            // The epoch at the server never goes down, even under a record this node wrote before a restart.
            return .write(expected: read, new: OwnerClaim(node: me, epoch: max(epoch, read.epoch + 1)))
        case .claim, .bump:
            guard let read else { return .write(expected: nil, new: OwnerClaim(node: me, epoch: knownEpoch + 1)) }
            if read.node != me, read.epoch > knownEpoch, !stealUnknown { return .lost(read) }
            return .write(expected: read, new: OwnerClaim(node: me, epoch: max(read.epoch, knownEpoch) + 1))
        }
    }
}
