import DNSModel

/// Where a VIP goes: the interface, the prefix length and the label it is plumbed with.
public struct VIPPlacement: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let interface: String
    public let prefixLength: Int

    public init(address: IPAddress, interface: String, cidrmask: Int? = nil) throws(VIPError) {
        let length = cidrmask ?? (address.family == .v4 ? 32 : 128)
        guard length >= 1, length <= (address.family == .v4 ? 32 : 128) else { throw .invalidPrefix(length, address) }
        self.address = address
        self.interface = interface
        self.prefixLength = length
    }

    /// IPv4 labels mark what dnsfix plumbed. The kernel refuses a label that does not start with
    /// the interface name, and labels are at most 15 bytes, so a long interface name gets none.
    public var label: String? {
        guard address.family == .v4 else { return nil }
        let label = Self.label(for: interface)
        return label.utf8.count <= 15 ? label : nil
    }

    static func label(for interface: String) -> String { interface + ":dfx" }

    public var description: String { "\(address)/\(prefixLength) on \(interface)" }
}

/// DuraVIP's topology hints: a subnet names the interface and the cidrmask for VIPs inside it.
public struct VIPTopology: Sendable {
    public struct Subnet: Sendable, Hashable {
        public let network: IPNetwork
        public let interface: String
        public let cidrmask: Int?

        public init(network: IPNetwork, interface: String, cidrmask: Int?) {
            self.network = network
            self.interface = interface
            self.cidrmask = cidrmask
        }
    }

    public let subnets: [Subnet]

    public init(_ subnets: [Subnet]) { self.subnets = subnets }

    /// The placement of the first (most specific) subnet that holds the address.
    public func placement(for address: IPAddress) throws(VIPError) -> VIPPlacement {
        let holding = subnets.filter { $0.network.contains(address) }
        guard let subnet = holding.max(by: { $0.network.prefixLength < $1.network.prefixLength }) else {
            throw .outsideTopology(address, subnets: subnets.map { "\($0.network) on \($0.interface)" })
        }
        return try VIPPlacement(address: address, interface: subnet.interface, cidrmask: subnet.cidrmask)
    }
}
