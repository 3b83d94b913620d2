import DNSModel

/// A VIP as found on an interface of this host.
public struct PlumbedAddress: Sendable, Equatable, Codable {
    public let address: String
    public let prefixLength: Int
    public let interface: String
    public let label: String?
    /// Plumbed by dnsfix (its label, or for IPv6 plumbed without kernel DAD), rather than configured by hand.
    public let plumbedByDNSFix: Bool

    init(_ entry: InterfaceAddress) {
        self.address = entry.address.description
        self.prefixLength = entry.prefixLength
        self.interface = entry.interface
        self.label = entry.label
        self.plumbedByDNSFix = entry.plumbedByDNSFix
    }
}

extension InterfaceAddress {
    var plumbedByDNSFix: Bool {
        switch address.family {
        case .v4:
            let ours = VIPPlacement.label(for: interface)
            // An interface name too long for the label leaves the kernel's default, the name itself.
            return label == ours || (ours.utf8.count > 15 && label == interface)
        case .v6:
            return withoutKernelDAD
        }
    }
}
