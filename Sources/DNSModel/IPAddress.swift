#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address. Stored inline (no heap allocation), since audits hold millions of them.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case v4, v6 }

    public let family: Family
    /// The first and last eight network-order bytes, big-endian; an IPv4 address sits in `low`'s low half.
    @usableFromInline let high: UInt64
    @usableFromInline let low: UInt64

    /// The address as two big-endian words, for tables that hash millions of addresses themselves.
    package var words: (high: UInt64, low: UInt64) { (high, low) }

    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        let all = (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        return family == .v4 ? Array(all.suffix(4)) : all
    }

    public init(_ text: String) throws(DNSModelError) {
        guard let parsed = IPAddress.parse(text, family: AF_INET, length: 4).flatMap(IPAddress.init(bytes:))
            ?? IPAddress.parse(text, family: AF_INET6, length: 16).flatMap(IPAddress.init(bytes:)) else {
            throw .invalidAddress(text)
        }
        self = parsed
    }

    @usableFromInline init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// Inlinable so that callers in other modules get it specialized: zone files decode millions.
    @inlinable
    public init?<Bytes: Collection<UInt8>>(bytes: Bytes) {
        let count = bytes.count
        guard count == 4 || count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var position = count == 4 ? 12 : 0
        for byte in bytes {
            if position < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            position += 1
        }
        self.init(family: count == 4 ? .v4 : .v6, high: high, low: low)
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
            return DNSName(ip6ReverseHigh: high, low: low)
        }
    }

    /// The address whose PTR lives at `reverseName`; nil for names that are not a whole address
    /// (a reverse zone's apex, an RFC 2317 delegation).
    /// Parsed from the name's bytes without splitting it: audits read a PTR per address.
    public init?(reverseName: DNSName) {
        if let (high, low) = reverseName.ip6ReverseWords {
            self.init(family: .v6, high: high, low: low)
            return
        }
        // A whole ip6.arpa address name is always held as its address (see `DNSName`): only in-addr.arpa is left.
        guard let parsed = reverseName.withUTF8(IPAddress.parseInAddr) else { return nil }
        self = parsed
    }

    private static let inAddrSuffix = Array(".in-addr.arpa.".utf8)

    private static func parseInAddr(_ text: UnsafeRawBufferPointer) -> IPAddress? {
        guard text.count >= inAddrSuffix.count, text[(text.count - inAddrSuffix.count)...].elementsEqual(inAddrSuffix) else {
            return nil
        }
        var address: UInt64 = 0
        var octets = 0
        var current: UInt64 = 0
        var digits = 0
        for byte in text[..<(text.count - inAddrSuffix.count + 1)] {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, current <= 255, octets < 4 else { return nil }
                // Least significant octet first.
                address |= current << (8 * UInt64(octets))
                octets += 1
                current = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), digits < 3 {
                current = current * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                return nil
            }
        }
        guard octets == 4 else { return nil }
        return IPAddress(family: .v4, high: 0, low: address)
    }

    /// The record type that holds this address: A or AAAA.
    public var recordType: RecordType { family == .v4 ? .a : .aaaa }

    /// IPv4 before IPv6, then numerically.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .v4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension IPAddress {
    /// The address with all but the first `length` bits cleared.
    func masked(to length: Int) -> IPAddress {
        let offset = family == .v4 ? 96 : 0
        let keep = max(0, min(128, offset + length))
        let highMask: UInt64 = keep >= 64 ? .max : (keep == 0 ? 0 : .max << (64 - keep))
        let lowMask: UInt64 = keep <= 64 ? 0 : (keep == 128 ? .max : .max << (128 - keep))
        return IPAddress(family: family, high: high & highMask, low: low & lowMask)
    }
}

/// An address prefix: "192.0.2.0/24", "2001:db8::/32".
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(address: IPAddress, prefixLength: Int) {
        guard prefixLength >= 0, prefixLength <= (address.family == .v4 ? 32 : 128) else { return nil }
        self.address = address.masked(to: prefixLength)
        self.prefixLength = prefixLength
    }

    public init(parsing text: String) throws(DNSModelError) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        let address = try IPAddress(parts[0])
        let length = parts.count == 2 ? Int(parts[1]) : (address.family == .v4 ? 32 : 128)
        guard let length, let network = IPNetwork(address: address, prefixLength: length) else {
            throw .invalidAddress(text)
        }
        self = network
    }

    /// The addresses whose PTRs a reverse zone holds: "2.0.192.in-addr.arpa." is 192.0.2.0/24, an
    /// ip6.arpa zone of n nibbles is a /4n. Nil for other names (and RFC 2317 classless zones).
    public init?(reverseZone: DNSName) {
        let labels = reverseZone.labels
        guard labels.count >= 2, labels.last == "arpa" else { return nil }
        let digits = Array(labels.dropLast(2).reversed())
        switch labels[labels.count - 2] {
        case "in-addr":
            let octets = digits.compactMap { UInt8($0) }
            guard octets.count == digits.count, octets.count <= 4 else { return nil }
            self.init(address: IPAddress(bytes: octets + Array(repeating: 0, count: 4 - octets.count))!,
                      prefixLength: 8 * octets.count)
        case "ip6":
            let nibbles = digits.compactMap { $0.count == 1 ? UInt8($0, radix: 16) : nil }
            guard nibbles.count == digits.count, nibbles.count <= 32 else { return nil }
            let padded = nibbles + Array(repeating: 0, count: 32 - nibbles.count)
            self.init(address: IPAddress(bytes: stride(from: 0, to: 32, by: 2).map { padded[$0] << 4 | padded[$0 + 1] })!,
                      prefixLength: 4 * nibbles.count)
        default:
            return nil
        }
    }

    public func contains(_ other: IPAddress) -> Bool {
        other.family == address.family && other.masked(to: prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
