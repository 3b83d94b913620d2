/// An Ethernet address, as the kernel and the wire carry it.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let broadcast = MACAddress(validated: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    public static let zero = MACAddress(validated: [0, 0, 0, 0, 0, 0])

    init(validated bytes: [UInt8]) { self.bytes = bytes }

    public init?<Bytes: Collection<UInt8>>(bytes: Bytes) {
        guard bytes.count == 6 else { return nil }
        self.bytes = Array(bytes)
    }

    /// "02:00:5e:10:00:01" or with dashes; case does not matter.
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        let octets = parts.compactMap { $0.count <= 2 ? UInt8($0, radix: 16) : nil }
        guard parts.count == 6, octets.count == 6 else { return nil }
        self.bytes = octets
    }

    /// The IPv6 multicast MAC (33:33 and the group's last four bytes).
    static func ipv6Multicast(_ group: [UInt8]) -> MACAddress {
        MACAddress(validated: [0x33, 0x33] + group.suffix(4))
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
