import DNSModel

/// Raw netlink datagrams split into messages, and the rtnetlink fields the watch and the reset read.
struct NetlinkMessage {
    var type: UInt16
    var payload: ArraySlice<UInt8>

    /// Every message in a datagram, in order; a truncated tail is dropped.
    static func split(_ datagram: [UInt8]) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        while offset + 16 <= datagram.count {
            let length = Int(readUInt32(datagram, offset))
            guard length >= 16, offset + length <= datagram.count else { break }
            messages.append(NetlinkMessage(type: UInt16(truncatingIfNeeded: readUInt32(datagram, offset + 4)),
                                           payload: datagram[(offset + 16)..<(offset + length)]))
            offset += (length + 3) & ~3
        }
        return messages
    }

    /// The error code of an NLMSG_ERROR message (0 is an acknowledgement).
    var errorCode: Int32? {
        guard type == NetlinkSocket.Numbers.error, payload.count >= 4 else { return nil }
        return Int32(bitPattern: Self.readUInt32(Array(payload), 0))
    }

    /// Route attributes after a fixed header of `headerLength` bytes, by type.
    func attributes(after headerLength: Int) -> [UInt16: ArraySlice<UInt8>] {
        let bytes = Array(payload)
        var found: [UInt16: ArraySlice<UInt8>] = [:]
        var offset = (headerLength + 3) & ~3
        while offset + 4 <= bytes.count {
            let length = Int(UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)
            let type = UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8
            guard length >= 4, offset + length <= bytes.count else { break }
            found[type & 0x3fff] = bytes[(offset + 4)..<(offset + length)]
            offset += (length + 3) & ~3
        }
        return found
    }

    /// Host byte order (little-endian on every Linux this runs on), as netlink headers are.
    static func readUInt32<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ offset: Int) -> UInt32 where Bytes.Index == Int {
        let start = bytes.startIndex + offset
        return UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16 | UInt32(bytes[start + 3]) << 24
    }
}

extension InterfaceAddress {
    /// From an RTM_NEWADDR or RTM_DELADDR message; the interface's name is left for the caller.
    init?(_ message: NetlinkMessage) {
        let header = Array(message.payload.prefix(8))
        guard header.count == 8 else { return nil }
        let attributes = message.attributes(after: 8)
        // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on point-to-point links.
        guard let raw = attributes[NetlinkSocket.Numbers.addressLocal] ?? attributes[NetlinkSocket.Numbers.addressAddress],
              let address = IPAddress(bytes: raw) else { return nil }
        let flags = attributes[NetlinkSocket.Numbers.addressFlags].map { NetlinkMessage.readUInt32(Array($0), 0) } ?? UInt32(header[2])
        self.init(address: address, prefixLength: Int(header[1]),
                  interfaceIndex: Int32(bitPattern: NetlinkMessage.readUInt32(header, 4)), interface: "",
                  label: attributes[NetlinkSocket.Numbers.addressLabel].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) },
                  withoutKernelDAD: flags & NetlinkSocket.Numbers.noKernelDAD != 0,
                  addressProtocol: attributes[NetlinkSocket.Numbers.addressProtocol]?.first ?? 0)
    }
}
