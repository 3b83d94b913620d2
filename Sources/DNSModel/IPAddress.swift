#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, stored as its network-order bytes.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case v4, v6 }

    public let bytes: [UInt8]

    public var family: Family { bytes.count == 4 ? .v4 : .v6 }

    public init(_ text: String) throws(DNSModelError) {
        if let v4 = IPAddress.parse(text, family: AF_INET, length: 4) {
            bytes = v4
        } else if let v6 = IPAddress.parse(text, family: AF_INET6, length: 16) {
            bytes = v6
        } else {
            throw .invalidAddress(text)
        }
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    private static func parse(_ text: String, family: Int32, length: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: length)
        let parsed = buffer.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) }
        return parsed == 1 ? buffer : nil
    }

    /// Presentation form: dotted quad, or RFC 5952 for IPv6 (as inet_ntop writes it).
    public var description: String {
        var output = [CChar](repeating: 0, count: 64)
        let family = self.family == .v4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { inet_ntop(family, raw.baseAddress, $0.baseAddress, 64) }
        }
        guard written != nil else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The owner name of this address's PTR record (in-addr.arpa or ip6.arpa).
    public var reverseName: DNSName {
        switch family {
        case .v4:
            return DNSName(validatedLabels: bytes.reversed().map(String.init) + ["in-addr", "arpa"])
        case .v6:
            let nibbles = bytes.flatMap { [$0 >> 4, $0 & 0x0f] }.reversed().map { String($0, radix: 16) }
            return DNSName(validatedLabels: nibbles + ["ip6", "arpa"])
        }
    }

    /// The address whose PTR lives at `reverseName`; nil for names that are not a whole address
    /// (a reverse zone's apex, an RFC 2317 delegation).
    public init?(reverseName: DNSName) {
        let labels = reverseName.labels
        guard labels.count >= 2, labels.last == "arpa" else { return nil }
        let digits = labels.dropLast(2).reversed()
        switch labels[labels.count - 2] {
        case "in-addr":
            guard digits.count == 4 else { return nil }
            let octets = digits.compactMap { UInt8($0) }
            guard octets.count == 4 else { return nil }
            self.bytes = octets
        case "ip6":
            guard digits.count == 32 else { return nil }
            let nibbles = digits.compactMap { $0.count == 1 ? UInt8($0, radix: 16) : nil }
            guard nibbles.count == 32 else { return nil }
            self.bytes = stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
        default:
            return nil
        }
    }

    /// The record type that holds this address: A or AAAA.
    public var recordType: RecordType { family == .v4 ? .a : .aaaa }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
