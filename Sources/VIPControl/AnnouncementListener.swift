import DNSModel

/// Hears announcements of one address on one interface (gratuitous ARP, unsolicited neighbour
/// advertisements): who announced it, in which form, and when. Lets a node see its peer take a VIP
/// over, and lets benchmarks see the first announcement on the wire.
public final class AnnouncementListener: Sendable {
    public struct Announcement: Sendable, Equatable {
        public enum Form: String, Sendable { case arpRequest = "ARP request", arpReply = "ARP reply", neighbourAdvertisement = "neighbour advertisement" }
        public let mac: MACAddress
        public let form: Form
        public let heardAt: ContinuousClock.Instant
    }

    private let socket: PacketSocket
    private let address: IPAddress

    /// Listens in the calling thread's network namespace from now on.
    public init(address: IPAddress, interface: String) throws(VIPError) {
        try Capabilities.require([Capabilities.rawNetwork])
        let link = try NetlinkSocket(.route).link(named: interface)
        self.address = address
        self.socket = try PacketSocket(interfaceIndex: link.index,
                                       etherType: address.family == .v4 ? KernelNumbers.etherTypeARP : KernelNumbers.etherTypeIPv6,
                                       receiving: true)
    }

    /// The next announcement within `timeout`, or nil.
    public func next(within timeout: Duration) throws(VIPError) -> Announcement? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        for _ in 0..<100_000 {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero,
                  let frame = try socket.receive(waitingAtMost: Int32(max(1, LinkLayerSpeaker.seconds(remaining) * 1000))) else { return nil }
            let heardAt = clock.now
            if let arp = ARPFrame(parsing: frame), arp.senderIP == address.bytes, arp.targetIP == address.bytes {
                return Announcement(mac: arp.senderMAC, form: arp.operation == .request ? .arpRequest : .arpReply, heardAt: heardAt)
            }
            if let neighbour = NeighbourDiscoveryFrame(parsing: frame), neighbour.kind == .advertisement,
               neighbour.target == address.bytes, neighbour.destination == NeighbourDiscoveryFrame.allNodes {
                return Announcement(mac: neighbour.linkLayerOption ?? neighbour.sourceMAC, form: .neighbourAdvertisement, heardAt: heardAt)
            }
        }
        return nil
    }
}
