#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An absolute domain name in presentation form, compared without regard to ASCII case.
///
/// Audits hold millions of names, so a name is kept as small as it can be: one lower-cased string with
/// its trailing dot (one string hashes faster and takes less memory than an array of labels), and the
/// whole-address name of an IPv6 PTR record (32 nibble labels, 73 bytes of text: most names of an
/// ip6.arpa zone) as the 16 bytes of its address, its text made only when asked for. Each name has
/// exactly one of the two forms, so equal names are equal in storage.
public struct DNSName: Hashable, Comparable, Sendable, CustomStringConvertible {
    @usableFromInline enum Storage: Hashable, Sendable {
        /// "app.example.test.", or "." for the root. Labels never contain a dot (see `isAllowed`).
        case text(String)
        /// "n.n.….n.ip6.arpa.": the address's two big-endian words, as in `IPAddress`.
        case ip6Reverse(high: UInt64, low: UInt64)
    }

    @usableFromInline let storage: Storage

    /// "app.example.test.", or "." for the root: lower-cased, with the trailing dot.
    public var text: String {
        switch storage {
        case .text(let text): text
        case .ip6Reverse: withUTF8 { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Lower-cased labels, root last (the root itself has no labels).
    public var labels: [String] {
        let text = self.text
        return text == "." ? [] : text.utf8.dropLast().split(separator: UInt8(ascii: ".")).map { String(decoding: $0, as: UTF8.self) }
    }

    public static let root = DNSName(validatedText: ".")

    /// Parses a name; a name without a trailing dot is taken as absolute, as nsupdate and dig do.
    public init(_ text: String) throws(DNSModelError) {
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        if trimmed.isEmpty {
            guard text == "." else { throw .invalidName(text, reason: "it is empty") }
            self = .root
            return
        }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for part in parts {
            if part.isEmpty { throw .invalidName(text, reason: "it has an empty label") }
            if part.utf8.count > 63 { throw .invalidName(text, reason: "the label \"\(part)\" is longer than 63 bytes") }
            if let bad = part.unicodeScalars.first(where: { !DNSName.isAllowed($0) }) {
                throw .invalidName(text, reason: "it contains the character \"\(bad)\"")
            }
        }
        // Wire length: one length byte per label plus the root byte.
        let wireLength = parts.reduce(1) { $0 + $1.utf8.count + 1 }
        if wireLength > 255 { throw .invalidName(text, reason: "it is longer than 255 bytes") }
        self.init(validatedText: parts.map { $0.lowercased() }.joined(separator: ".") + ".")
    }

    /// For decoders that have already checked and lower-cased each label (zone files, wire data).
    package init(validatedLabels: [String]) {
        self.init(validatedText: validatedLabels.isEmpty ? "." : validatedLabels.joined(separator: ".") + ".")
    }

    /// For decoders that have already built the checked, lower-cased text with its trailing dot.
    package init(validatedText: String) {
        var text = validatedText
        let words = text.utf8.count == Self.ip6ReverseLength ? text.withUTF8 { Self.ip6ReverseWords(UnsafeRawBufferPointer($0)) } : nil
        storage = words.map { .ip6Reverse(high: $0.high, low: $0.low) } ?? .text(validatedText)
    }

    /// The name of an IPv6 address's PTR record, from the address's big-endian words.
    package init(ip6ReverseHigh high: UInt64, low: UInt64) {
        storage = .ip6Reverse(high: high, low: low)
    }

    /// The address words of a whole-address ip6.arpa name, without making its text.
    package var ip6ReverseWords: (high: UInt64, low: UInt64)? {
        if case .ip6Reverse(let high, let low) = storage { return (high, low) }
        return nil
    }

    /// The text's bytes, made on the stack for an ip6.arpa name. Inlinable, so that the audit's
    /// per-record callers get it specialized.
    @inlinable
    package func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch storage {
        case .text(let text):
            if let result = try text.utf8.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
                return result
            }
            return try Array(text.utf8).withUnsafeBytes(body)
        case .ip6Reverse(let high, let low):
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.ip6ReverseLength) { buffer in
                for offset in 0..<Self.ip6ReverseLength { buffer[offset] = Self.ip6ReverseByte(high, low, at: offset) }
                return try body(UnsafeRawBufferPointer(buffer))
            }
        }
    }

    /// Byte `offset` of the text of the ip6.arpa name of an address: nibble labels, least significant
    /// first, then "ip6.arpa.".
    @inlinable @inline(__always)
    static func ip6ReverseByte(_ high: UInt64, _ low: UInt64, at offset: Int) -> UInt8 {
        if offset >= 64 { return ip6Suffix.withUTF8Buffer { $0[offset - 64] } }
        if offset & 1 == 1 { return UInt8(ascii: ".") }
        let position = offset >> 1
        let nibble = UInt8(truncatingIfNeeded: (position < 16 ? low : high) >> (4 * UInt64(position & 15))) & 0x0f
        return nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    @usableFromInline static let ip6Suffix: StaticString = "ip6.arpa."
    /// 32 labels of one nibble, each with its dot, then "ip6.arpa.".
    @usableFromInline static let ip6ReverseLength = 73

    /// The address of "n.n.….n.ip6.arpa." (the text is lower-cased), or nil for any other text.
    private static func ip6ReverseWords(_ text: UnsafeRawBufferPointer) -> (high: UInt64, low: UInt64)? {
        guard text.count == ip6ReverseLength,
              ip6Suffix.withUTF8Buffer({ text[64...].elementsEqual($0) }) else { return nil }
        return ip6ReverseNibbles(text, from: 0, nibbleFirst: true, separator: UInt8(ascii: "."))
    }

    /// The address in the 32 one-nibble labels of an ip6.arpa name (least significant first) that
    /// start at `start`, in text (nibble, then "."), or in wire form (length 1, then nibble).
    @inlinable
    package static func ip6ReverseNibbles(_ bytes: UnsafeRawBufferPointer, from start: Int, nibbleFirst: Bool,
                                          separator: UInt8) -> (high: UInt64, low: UInt64)? {
        let nibbleOffset = nibbleFirst ? 0 : 1
        var high: UInt64 = 0
        var low: UInt64 = 0
        for position in 0..<32 {
            let label = start + 2 * position
            guard bytes[label + 1 - nibbleOffset] == separator, let nibble = hexDigit(bytes[label + nibbleOffset]) else { return nil }
            if position < 16 { low |= nibble << (4 * UInt64(position)) } else { high |= nibble << (4 * UInt64(position - 16)) }
        }
        return (high, low)
    }

    /// The value of a hex digit in either case.
    @inlinable @inline(__always)
    static func hexDigit(_ byte: UInt8) -> UInt64? {
        let digit = byte &- UInt8(ascii: "0"), letter = (byte | 0x20) &- UInt8(ascii: "a")
        if digit < 10 { return UInt64(digit) }
        return letter < 6 ? UInt64(letter + 10) : nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "_" || scalar == "*")
    }

    public var description: String { text }

    /// The number of labels, without building them.
    public var labelCount: Int {
        if ip6ReverseWords != nil { return 34 }
        return self == .root ? 0 : withUTF8 { $0.reduce(0) { $1 == UInt8(ascii: ".") ? $0 + 1 : $0 } }
    }

    /// True when this name is `zone` or lies below it.
    public func isSubdomain(of zone: DNSName) -> Bool {
        if zone == .root { return true }
        // On the bytes: both texts are lower-cased ASCII, and String's hasSuffix (Unicode-aware) costs
        // several times more, for a check that audits make per record.
        switch (storage, zone.storage) {
        case (.text, _):
            return withUTF8 { own in zone.withUTF8 { Self.endsWithZone(own, $0) } }
        case (.ip6Reverse, .ip6Reverse):
            return self == zone
        case (.ip6Reverse(let high, let low), .text):
            // The zone's bytes against the name's, made one at a time.
            return zone.withUTF8 { zone in
                let extra = Self.ip6ReverseLength - zone.count
                guard extra >= 0, extra == 0 || Self.ip6ReverseByte(high, low, at: extra - 1) == UInt8(ascii: ".") else { return false }
                return zone.indices.allSatisfy { zone[$0] == Self.ip6ReverseByte(high, low, at: extra + $0) }
            }
        }
    }

    /// Whether `name` is `zone` or ends with "." + `zone`: "xexample.test." is not in "example.test.".
    private static func endsWithZone(_ name: UnsafeRawBufferPointer, _ zone: UnsafeRawBufferPointer) -> Bool {
        let extra = name.count - zone.count
        guard extra >= 0, memcmp(name.baseAddress! + extra, zone.baseAddress!, zone.count) == 0 else { return false }
        return extra == 0 || name[extra - 1] == UInt8(ascii: ".")
    }

    /// This name and each of its ancestors, nearest first, ending with the root.
    public var selfAndAncestors: [DNSName] {
        let all = labels
        return (0...all.count).map { DNSName(validatedLabels: Array(all.dropFirst($0))) }
    }

    /// Canonical DNS order (RFC 4034 §6.1): compare labels right to left.
    public static func < (lhs: DNSName, rhs: DNSName) -> Bool {
        let left = lhs.labels, right = rhs.labels
        for (one, other) in zip(left.reversed(), right.reversed()) where one != other {
            return Array(one.utf8).lexicographicallyPrecedes(Array(other.utf8))
        }
        return left.count < right.count
    }
}
