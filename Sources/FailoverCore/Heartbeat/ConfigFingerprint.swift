import Crypto
import DNSModel

/// Short digests of the config, carried in every heartbeat so that each node sees at once where its
/// peer's config differs, and which label that earns (DuraVIP's BROKEN, CONFLICT, UNSAFE).
public struct ConfigFingerprint: Equatable, Hashable, Sendable {
    /// The VIP and the shared name: differing, they make the pair BROKEN.
    public var identity: UInt32
    /// The preferred node: differing, a CONFLICT.
    public var preference: UInt32
    /// Everything else both nodes should agree on, the heartbeat networks included (nodes that hear
    /// each other can run, but each judges the networks by its own list): differing, UNSAFE.
    public var settings: UInt32

    public init(identity: UInt32 = 0, preference: UInt32 = 0, settings: UInt32 = 0) {
        self.identity = identity
        self.preference = preference
        self.settings = settings
    }

    public init(_ config: DNSFixConfig) {
        let addresses = (config.vip?.addresses ?? []).map(\.description).sorted()
        identity = Self.digest(["pair=\(config.pair.name)", "vip=\(addresses)", "name=\(config.dns?.name.text ?? "-")"])
        preference = Self.digest(["preference=\(config.pair.preference ?? "-")"])
        let heartbeat = config.pair.heartbeat
        var fields = [
            "nodes=\(config.pair.nodes.map { "\($0.name)/\($0.address)" }.sorted())",
            "interval=\(heartbeat.interval)", "dead_after=\(heartbeat.deadAfter)",
            "failback=\(config.pair.failbackDelay)", "startup=\(config.pair.startupWait)",
        ]
        // Only when a node names its heartbeat networks, so that a pair on one network keeps the
        // digest of agents that knew no other: both sides of a rolling upgrade still agree.
        if config.pair.nodes.contains(where: { $0.heartbeat != [$0.address] }) {
            let networks = config.pair.nodes.map { "\($0.name)/\($0.heartbeat.map(\.description).joined(separator: ","))" }
            fields.append("heartbeat=\(networks.sorted())")
        }
        if let vip = config.vip {
            fields.append("topology=\(vip.topology.map { "\($0.subnet)/\($0.interface)/\($0.cidrmask ?? -1)" })")
        }
        if let dns = config.dns {
            fields += ["zone=\(dns.zone?.text ?? "-")", "ttl=\(dns.ttl)", "ptr=\(dns.ptr)", "arbiter=\(dns.arbiter)",
                       "fence=\(dns.fence)", "server=\(dns.server.map { "\($0)" } ?? "-")"]
        }
        settings = Self.digest(fields)
    }

    private static func digest(_ fields: [String]) -> UInt32 {
        let hash = SHA256.hash(data: Array(fields.joined(separator: "\n").utf8))
        return hash.withUnsafeBytes { bytes in bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) } }
    }
}
