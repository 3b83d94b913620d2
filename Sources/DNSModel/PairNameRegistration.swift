/// A pair's shared name as the primary must hold it: exactly the service addresses, and in VIP mode
/// the VIP off every node's own name (`<node>.<zone>`), where hand-written failover scripts leave it
/// so that lookups of the VIP answer with the wrong node. The agent and `dnsfix update --config`
/// register it alike.
public struct PairNameRegistration: Hashable, Sendable {
    public var shared: AddressRegistration
    /// Empty in DNS-only mode, where a node's own address is exactly what the shared name points at.
    public var vips: [IPAddress]
    /// The nodes' names in the pair's config.
    public var nodeLabels: [String]

    public init(shared: AddressRegistration, vips: [IPAddress] = [], nodeLabels: [String] = []) {
        self.shared = shared
        self.vips = vips
        self.nodeLabels = nodeLabels
    }

    /// The removals of the VIP from the nodes' own names in `zone`; none when the shared name
    /// itself loses addresses.
    public func strays(in zone: DNSName) throws -> [AddressRegistration] {
        guard !vips.isEmpty, shared.mode == .replace else { return [] }
        return try nodeLabels.map { try DNSName("\($0).\(zone.text)") }
            .filter { $0 != shared.name }
            .map { AddressRegistration(name: $0, addresses: vips, ttl: shared.ttl, mode: .remove) }
    }
}
