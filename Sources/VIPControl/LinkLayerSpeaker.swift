import DNSModel
import Foundation

/// Announces and probes a VIP on one interface with raw frames: ARP for IPv4, neighbour discovery for IPv6.
struct LinkLayerSpeaker {
    let address: IPAddress
    let link: LinkState

    init(address: IPAddress, link: LinkState) throws(VIPError) {
        guard link.mac != nil else {
            throw .kernel(operation: "announcing on \(link.name)", reason: "the interface has no Ethernet address")
        }
        self.address = address
        self.link = link
    }

    private var mac: MACAddress { link.mac! }
    private var etherType: UInt16 { Self.etherType(of: address.family) }

    static func etherType(of family: IPAddress.Family) -> UInt16 {
        family == .v4 ? KernelNumbers.etherTypeARP : KernelNumbers.etherTypeIPv6
    }

    private var announcementFrames: [[UInt8]] {
        address.family == .v4
            ? ARPFrame.announcements(of: address, from: mac).map(\.bytes)
            : [NeighbourDiscoveryFrame.announcement(of: address, from: mac).bytes]
    }

    /// Sends `options.count` rounds through `socket` (a sender on this link), the first at once;
    /// sleeps between rounds, not after the last.
    func announce(_ options: AnnounceOptions, through socket: PacketSocket) throws(VIPError) {
        let frames = announcementFrames
        for round in 0..<max(0, options.count) {
            if round > 0 { Thread.sleep(forTimeInterval: Self.seconds(options.interval)) }
            for frame in frames { try socket.send(frame) }
        }
    }

    /// The MAC of another host that answers for the address, or nil when none did in time.
    func probe(_ options: ProbeOptions) throws(VIPError) -> MACAddress? {
        // Opened before the first probe, so that no early answer is missed.
        let socket = try PacketSocket(interfaceIndex: link.index, etherType: etherType, receiving: true)
        let probe = address.family == .v4
            ? ARPFrame.probe(for: address, from: mac).bytes
            : NeighbourDiscoveryFrame.probe(for: address, from: mac).bytes
        let clock = ContinuousClock()
        let rounds = max(1, options.count)
        for round in 0..<rounds {
            try socket.send(probe)
            let listen = round == rounds - 1 ? options.wait : options.interval
            let deadline = clock.now + listen
            // Bounded by the deadline and by a frame budget, so a flood cannot keep us here.
            for _ in 0..<10_000 {
                let remaining = clock.now.duration(to: deadline)
                guard remaining > .zero else { break }
                guard let frame = try socket.receive(waitingAtMost: Int32(max(1, Self.seconds(remaining) * 1000))) else { break }
                if let answerer = answerer(in: frame), answerer != mac, !options.ignoring.contains(answerer) {
                    return answerer
                }
            }
        }
        return nil
    }

    /// Who claims the address in this frame, if anyone.
    private func answerer(in frame: [UInt8]) -> MACAddress? {
        switch address.family {
        case .v4:
            guard let arp = ARPFrame(parsing: frame), arp.senderIP == address.bytes else { return nil }
            return arp.senderMAC
        case .v6:
            guard let neighbour = NeighbourDiscoveryFrame(parsing: frame), neighbour.kind == .advertisement,
                  neighbour.target == address.bytes else { return nil }
            return neighbour.linkLayerOption ?? neighbour.sourceMAC
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
