import DNSModel

/// Ethernet/IPv6 neighbour discovery frames: unsolicited advertisements and DAD solicitations.
struct NeighbourDiscoveryFrame: Equatable {
    enum Kind: UInt8 { case solicitation = 135, advertisement = 136 }

    var kind: Kind
    var sourceMAC: MACAddress
    var source: [UInt8]
    var destination: [UInt8]
    var target: [UInt8]
    /// The advertisement's override flag: neighbours replace the link-layer address they had.
    var override: Bool
    /// The target (advertisement) or source (solicitation) link-layer address option.
    var linkLayerOption: MACAddress?

    static let allNodes: [UInt8] = [0xff, 0x02] + Array(repeating: 0, count: 13) + [1]
    static let unspecified = [UInt8](repeating: 0, count: 16)

    /// Unsolicited, with override and the target link-layer address, to all nodes.
    static func announcement(of address: IPAddress, from mac: MACAddress) -> NeighbourDiscoveryFrame {
        NeighbourDiscoveryFrame(kind: .advertisement, sourceMAC: mac, source: address.bytes, destination: allNodes,
                                target: address.bytes, override: true, linkLayerOption: mac)
    }

    /// Duplicate address detection: from the unspecified address to the solicited-node group.
    static func probe(for address: IPAddress, from mac: MACAddress) -> NeighbourDiscoveryFrame {
        let solicitedNode: [UInt8] = [0xff, 0x02] + Array(repeating: 0, count: 9) + [1, 0xff] + address.bytes.suffix(3)
        return NeighbourDiscoveryFrame(kind: .solicitation, sourceMAC: mac, source: unspecified, destination: solicitedNode,
                                       target: address.bytes, override: false, linkLayerOption: nil)
    }

    var bytes: [UInt8] {
        var message: [UInt8] = [kind.rawValue, 0, 0, 0]
        message += kind == .advertisement ? [override ? 0x20 : 0, 0, 0, 0] : [0, 0, 0, 0]
        message += target
        if let option = linkLayerOption {
            message += [kind == .advertisement ? 2 : 1, 1] + option.bytes
        }
        let checksum = Self.checksum(source: source, destination: destination, message: message)
        message[2] = UInt8(checksum >> 8)
        message[3] = UInt8(checksum & 0xff)
        let length = UInt16(message.count)
        let header: [UInt8] = [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xff), 58, 255] + source + destination
        return MACAddress.ipv6Multicast(destination).bytes + sourceMAC.bytes
            + ARPFrame.bigEndian(KernelNumbers.etherTypeIPv6) + header + message
    }

    /// The ICMPv6 checksum over the pseudo-header (RFC 8200 section 8.1) and the message.
    static func checksum(source: [UInt8], destination: [UInt8], message: [UInt8]) -> UInt16 {
        let length = UInt32(message.count)
        var data = source + destination
        data += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), 0, 0, 0, 58]
        data += message
        if data.count % 2 == 1 { data.append(0) }
        var sum: UInt32 = 0
        for index in stride(from: 0, to: data.count, by: 2) {
            sum += UInt32(data[index]) << 8 | UInt32(data[index + 1])
        }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

/// Parsing lives in an extension so that the memberwise initializer stays.
extension NeighbourDiscoveryFrame {
    /// Nil for anything but a neighbour solicitation or advertisement with hop limit 255.
    init?(parsing frame: [UInt8]) {
        guard frame.count >= 14 + 40 + 24, UInt16(frame[12]) << 8 | UInt16(frame[13]) == KernelNumbers.etherTypeIPv6,
              frame[14] >> 4 == 6, frame[20] == 58, frame[21] == 255,
              let kind = Kind(rawValue: frame[54]) else { return nil }
        var option: MACAddress?
        var offset = 78
        while offset + 8 <= frame.count, frame[offset + 1] > 0 {
            if (frame[offset] == 1 || frame[offset] == 2), frame[offset + 1] == 1 {
                option = MACAddress(validated: Array(frame[(offset + 2)..<(offset + 8)]))
            }
            offset += Int(frame[offset + 1]) * 8
        }
        self.init(kind: kind, sourceMAC: MACAddress(validated: Array(frame[6..<12])), source: Array(frame[22..<38]),
                  destination: Array(frame[38..<54]), target: Array(frame[62..<78]),
                  override: kind == .advertisement && frame[58] & 0x20 != 0, linkLayerOption: option)
    }
}
