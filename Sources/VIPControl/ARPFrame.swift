import DNSModel

/// Ethernet ARP frames for IPv4: gratuitous announcements and RFC 5227 probes.
struct ARPFrame: Equatable {
    enum Operation: UInt16 { case request = 1, reply = 2 }

    var destination: MACAddress
    var operation: Operation
    var senderMAC: MACAddress
    var senderIP: [UInt8]
    var targetMAC: MACAddress
    var targetIP: [UInt8]

    /// Gratuitous ARP in both forms that neighbours accept: a request and a reply, each saying
    /// "address is at mac", broadcast.
    static func announcements(of address: IPAddress, from mac: MACAddress) -> [ARPFrame] {
        [ARPFrame(destination: .broadcast, operation: .request, senderMAC: mac, senderIP: address.bytes,
                  targetMAC: .zero, targetIP: address.bytes),
         ARPFrame(destination: .broadcast, operation: .reply, senderMAC: mac, senderIP: address.bytes,
                  targetMAC: mac, targetIP: address.bytes)]
    }

    /// RFC 5227 probe: sender IP 0.0.0.0, so that no neighbour's cache learns anything from it.
    static func probe(for address: IPAddress, from mac: MACAddress) -> ARPFrame {
        ARPFrame(destination: .broadcast, operation: .request, senderMAC: mac, senderIP: [0, 0, 0, 0],
                 targetMAC: .zero, targetIP: address.bytes)
    }

    var bytes: [UInt8] {
        var frame = destination.bytes + senderMAC.bytes + Self.bigEndian(KernelNumbers.etherTypeARP)
        frame += [0, 1, 0x08, 0x00, 6, 4] + Self.bigEndian(operation.rawValue)
        frame += senderMAC.bytes + senderIP + targetMAC.bytes + targetIP
        return frame
    }

    static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
}

/// Parsing lives in an extension so that the memberwise initializer stays.
extension ARPFrame {
    /// Nil for anything but an Ethernet/IPv4 ARP frame.
    init?(parsing frame: [UInt8]) {
        guard frame.count >= 42, UInt16(frame[12]) << 8 | UInt16(frame[13]) == KernelNumbers.etherTypeARP,
              frame[14...19].elementsEqual([0, 1, 0x08, 0x00, 6, 4]),
              let operation = Operation(rawValue: UInt16(frame[20]) << 8 | UInt16(frame[21])) else { return nil }
        self.init(destination: MACAddress(validated: Array(frame[0..<6])), operation: operation,
                  senderMAC: MACAddress(validated: Array(frame[22..<28])), senderIP: Array(frame[28..<32]),
                  targetMAC: MACAddress(validated: Array(frame[32..<38])), targetIP: Array(frame[38..<42]))
    }
}
