import DNSModel

/// Plumbs, probes, announces, lists and removes VIPs in the network namespace of the calling thread.
/// Blocking: the agent calls it from a thread of its own, never from the shared async pool.
public final class VIPController {
    private let route: NetlinkSocket
    /// Announcement senders by interface index and EtherType, kept open: opening and closing a packet
    /// socket per takeover would cost more than the takeover itself.
    private var senders: [SenderKey: PacketSocket] = [:]

    private struct SenderKey: Hashable {
        let interfaceIndex: Int32
        let etherType: UInt16
    }

    public init() throws(VIPError) {
        route = try NetlinkSocket(.route)
    }

    public struct PlumbOutcome: Sendable, Equatable {
        /// False when the VIP was already plumbed there: nothing was added (it was still announced).
        public let added: Bool
        /// The interface's MAC, which the announcements carry.
        public let mac: MACAddress?
    }

    /// Plumbs the VIP where the placement says, after probing (unless `probe` is nil) and before
    /// announcing (unless `announce` is nil). Idempotent. `ownAddresses` are this node's main
    /// addresses, which are never a VIP.
    public func plumb(_ placement: VIPPlacement, probe: ProbeOptions? = ProbeOptions(),
                      announce: AnnounceOptions? = AnnounceOptions(), ownAddresses: [IPAddress] = []) throws(VIPError) -> PlumbOutcome {
        try Capabilities.require(probe == nil && announce == nil
            ? [Capabilities.networkAdministration] : [Capabilities.networkAdministration, Capabilities.rawNetwork])
        if ownAddresses.contains(placement.address) { throw .ownAddress(placement.address, interface: placement.interface) }
        let link = try route.link(named: placement.interface)
        let present = try route.addresses().filter { $0.address == placement.address }
        if let foreign = present.first(where: { !$0.plumbedByDNSFix }) {
            throw .ownAddress(placement.address, interface: foreign.interface)
        }
        let alreadyHere = present.contains { $0.interfaceIndex == link.index && $0.prefixLength == placement.prefixLength }
        for stale in present where !(stale.interfaceIndex == link.index && stale.prefixLength == placement.prefixLength) {
            _ = try route.delete(stale)
        }
        let speaker = try LinkLayerSpeaker(address: placement.address, link: link)
        if !alreadyHere, let probe, let answerer = try speaker.probe(probe) {
            throw .conflict(placement.address, interface: placement.interface, answeredBy: answerer)
        }
        let added = alreadyHere ? false : try route.add(placement, interfaceIndex: link.index)
        if let announce { try speaker.announce(announce, through: sender(on: link, for: placement.address.family)) }
        return PlumbOutcome(added: added, mac: link.mac)
    }

    /// Removes the VIP from `interface`, or from every interface when nil; first destroys the TCP
    /// connections from it if asked. Returns where it was removed from (empty: it was not plumbed).
    public func unplumb(_ address: IPAddress, interface: String? = nil, resetConnections: Bool = false,
                        ownAddresses: [IPAddress] = []) throws(VIPError) -> [PlumbedAddress] {
        try Capabilities.require([Capabilities.networkAdministration])
        if ownAddresses.contains(address) { throw .ownAddress(address, interface: interface ?? "this host") }
        if let interface { _ = try route.link(named: interface) }
        let present = try route.addresses().filter { $0.address == address && (interface == nil || $0.interface == interface) }
        // A kernel without SOCK_DESTROY cannot reset the connections: the address goes all the same
        // (a VIP left behind is the worse fault), then the reset's failure is reported.
        var resetFailure: VIPError?
        if resetConnections, !present.isEmpty {
            do { _ = try ConnectionReset.resetConnections(from: address) } catch { resetFailure = error }
        }
        var removed: [PlumbedAddress] = []
        for entry in present where try route.delete(entry) { removed.append(PlumbedAddress(entry)) }
        if let resetFailure { throw resetFailure }
        return removed
    }

    /// Clean slate, at start: removes these VIPs wherever they linger on this host (a killed agent
    /// leaves them plumbed). Returns what was removed.
    public func removeEverywhere(_ addresses: [IPAddress]) throws(VIPError) -> [PlumbedAddress] {
        var removed: [PlumbedAddress] = []
        for address in addresses { removed += try unplumb(address) }
        return removed
    }

    /// Where the VIP is plumbed on this host.
    public func status(of address: IPAddress) throws(VIPError) -> [PlumbedAddress] {
        try route.addresses().filter { $0.address == address }.map(PlumbedAddress.init)
    }

    /// Every address that dnsfix plumbed on this host.
    public func plumbed() throws(VIPError) -> [PlumbedAddress] {
        try route.addresses().filter(\.plumbedByDNSFix).map(PlumbedAddress.init)
    }

    /// The MAC of another host that answers for the VIP on the placement's interface, or nil.
    public func probe(_ placement: VIPPlacement, options: ProbeOptions = ProbeOptions()) throws(VIPError) -> MACAddress? {
        try Capabilities.require([Capabilities.rawNetwork])
        return try LinkLayerSpeaker(address: placement.address, link: route.link(named: placement.interface)).probe(options)
    }

    /// Gratuitous ARP (request and reply) or unsolicited neighbour advertisements for the VIP.
    public func announce(_ placement: VIPPlacement, options: AnnounceOptions) throws(VIPError) {
        try Capabilities.require([Capabilities.rawNetwork])
        let link = try route.link(named: placement.interface)
        try LinkLayerSpeaker(address: placement.address, link: link)
            .announce(options, through: sender(on: link, for: placement.address.family))
    }

    private func sender(on link: LinkState, for family: IPAddress.Family) throws(VIPError) -> PacketSocket {
        let key = SenderKey(interfaceIndex: link.index, etherType: LinkLayerSpeaker.etherType(of: family))
        if let open = senders[key] { return open }
        let socket = try PacketSocket(interfaceIndex: key.interfaceIndex, etherType: key.etherType, receiving: false)
        senders[key] = socket
        return socket
    }

    /// Destroys the TCP connections from the VIP (listeners stay); returns how many.
    public func resetConnections(from address: IPAddress) throws(VIPError) -> Int {
        try Capabilities.require([Capabilities.networkAdministration])
        return try ConnectionReset.resetConnections(from: address)
    }

    /// The interface's state and MAC, for status output.
    public func interface(named name: String) throws(VIPError) -> (up: Bool, carrier: Bool, mac: MACAddress?) {
        let link = try route.link(named: name)
        return (link.up, link.carrier, link.mac)
    }
}
