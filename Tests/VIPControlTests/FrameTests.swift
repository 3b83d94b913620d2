import DNSModel
import Testing
@testable import VIPControl

@Suite struct FrameTests {
    let mac = MACAddress("02:00:5e:00:00:0a")!

    @Test func gratuitousARPHasBothForms() throws {
        let address = try IPAddress("192.0.2.50")
        let frames = ARPFrame.announcements(of: address, from: mac)
        #expect(frames.map(\.operation) == [.request, .reply])
        for frame in frames {
            let bytes = frame.bytes
            #expect(bytes.count == 42)
            let parsed = try #require(ARPFrame(parsing: bytes))
            #expect(parsed == frame)
            #expect(parsed.senderIP == [192, 0, 2, 50])
            #expect(parsed.targetIP == [192, 0, 2, 50])
            #expect(parsed.destination == .broadcast)
        }
    }

    @Test func arpProbeHasNoSenderAddress() throws {
        let probe = ARPFrame.probe(for: try IPAddress("198.51.100.7"), from: mac)
        #expect(probe.senderIP == [0, 0, 0, 0])
        #expect(probe.operation == .request)
        #expect(try #require(ARPFrame(parsing: probe.bytes)) == probe)
    }

    @Test func unsolicitedAdvertisementOverridesWithTargetLinkLayerAddress() throws {
        let address = try IPAddress("2001:db8::50")
        let frame = NeighbourDiscoveryFrame.announcement(of: address, from: mac)
        let bytes = frame.bytes
        #expect(Array(bytes[0..<6]) == [0x33, 0x33, 0, 0, 0, 1])
        #expect(bytes[21] == 255)  // hop limit
        let parsed = try #require(NeighbourDiscoveryFrame(parsing: bytes))
        #expect(parsed == frame)
        #expect(parsed.override)
        #expect(parsed.linkLayerOption == mac)
        // A correct checksum makes the sum over pseudo-header and message come out as zero.
        let message = Array(bytes[54...])
        #expect(NeighbourDiscoveryFrame.checksum(source: parsed.source, destination: parsed.destination, message: message) == 0)
    }

    @Test func duplicateAddressDetectionGoesFromUnspecifiedToSolicitedNode() throws {
        let frame = NeighbourDiscoveryFrame.probe(for: try IPAddress("2001:db8::1:2:3"), from: mac)
        let parsed = try #require(NeighbourDiscoveryFrame(parsing: frame.bytes))
        #expect(parsed.kind == .solicitation)
        #expect(parsed.source == NeighbourDiscoveryFrame.unspecified)
        #expect(parsed.destination == [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x02, 0x00, 0x03])
        #expect(Array(frame.bytes[0..<6]) == [0x33, 0x33, 0xff, 0x02, 0x00, 0x03])
    }

    @Test func topologyPicksTheMostSpecificSubnetAndRefusesOthers() throws {
        let topology = VIPTopology([
            .init(network: try IPNetwork(parsing: "192.0.2.0/24"), interface: "eth1", cidrmask: nil),
            .init(network: try IPNetwork(parsing: "192.0.2.0/26"), interface: "eth2", cidrmask: 26),
            .init(network: try IPNetwork(parsing: "2001:db8::/64"), interface: "eth1", cidrmask: nil),
        ])
        let inner = try topology.placement(for: try IPAddress("192.0.2.10"))
        #expect(inner.interface == "eth2")
        #expect(inner.prefixLength == 26)
        #expect(inner.label == "eth2:dfx")
        let outer = try topology.placement(for: try IPAddress("192.0.2.200"))
        #expect(outer.prefixLength == 32)
        let six = try topology.placement(for: try IPAddress("2001:db8::50"))
        #expect(six.prefixLength == 128)
        #expect(six.label == nil)
        let error = #expect(throws: VIPError.self) { try topology.placement(for: try IPAddress("203.0.113.5")) }
        #expect("\(try #require(error))".contains("DNS-only mode"))
    }

    @Test func labelIsLeftOffWhenTheInterfaceNameIsTooLong() throws {
        let placement = try VIPPlacement(address: try IPAddress("192.0.2.5"), interface: "averylongname12")
        #expect(placement.label == nil)
        #expect(throws: VIPError.self) { try VIPPlacement(address: try IPAddress("192.0.2.5"), interface: "eth0", cidrmask: 33) }
    }
}
