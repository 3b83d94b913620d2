import DNSModel

/// Why a VIP operation was refused or failed; each description is a whole sentence for an operator.
public enum VIPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The address lies in no subnet of the topology: it cannot be moved at layer 2 from here.
    case outsideTopology(IPAddress, subnets: [String])
    /// The address is one this node holds for itself (not plumbed by dnsfix).
    case ownAddress(IPAddress, interface: String)
    case noSuchInterface(String)
    case missingCapabilities([String])
    /// Another host answered for the address; nothing was plumbed.
    case conflict(IPAddress, interface: String, answeredBy: MACAddress)
    case invalidPrefix(Int, IPAddress)
    /// The kernel lacks CONFIG_INET_DIAG_DESTROY.
    case resetUnsupported
    case kernel(operation: String, reason: String)

    public var description: String {
        switch self {
        case .outsideTopology(let address, let subnets):
            let known = subnets.isEmpty ? "the topology names no subnet" : "the topology has \(subnets.joined(separator: ", "))"
            return "\(address) is in no topology subnet (\(known)), so no interface can carry it; "
                + "add a [vip] topology entry for its subnet, or leave [vip] out and run in DNS-only mode"
        case .ownAddress(let address, let interface):
            return "\(address) is this node's own address on \(interface) (not plumbed by dnsfix); the VIP must be another address"
        case .noSuchInterface(let name):
            return "there is no interface \(name) on this host"
        case .missingCapabilities(let names):
            return "this process lacks \(names.joined(separator: " and ")): run as root or grant "
                + names.map { $0.lowercased() }.joined(separator: ",") + "+ep"
        case .conflict(let address, let interface, let mac):
            return "another host (MAC \(mac)) already answers for \(address) on \(interface); nothing was plumbed"
        case .invalidPrefix(let length, let address):
            return "cidrmask \(length) is not valid for \(address)"
        case .resetUnsupported:
            return "this kernel cannot destroy sockets (it lacks CONFIG_INET_DIAG_DESTROY); connections to the VIP were not reset"
        case .kernel(let operation, let reason):
            return "\(operation): \(reason)"
        }
    }
}
