import DNSModel

/// A VIP as found on an interface of this host.
public struct PlumbedAddress: Sendable, Equatable, Codable {
    public let address: String
    public let prefixLength: Int
    public let interface: String
    public let label: String?
    /// Plumbed by dnsfix (marked with its address protocol, 0xdf), rather than configured by hand.
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
    /// dnsfix's IFA_PROTO mark; or, where the kernel predates IFA_PROTO (6.3) and drops it, the
    /// IPv4 label, or for IPv6 a /128 plumbed without kernel DAD.
    var plumbedByDNSFix: Bool {
        if addressProtocol == NetlinkSocket.Numbers.dnsfixProtocol { return true }
        guard addressProtocol == 0 else { return false }
        switch address.family {
        case .v4:
            let ours = VIPPlacement.label(for: interface)
            // An interface name too long for the label leaves the kernel's default, the name itself.
            return label == ours || (ours.utf8.count > 15 && label == interface)
        case .v6:
            return withoutKernelDAD && prefixLength == 128
        }
    }
}
