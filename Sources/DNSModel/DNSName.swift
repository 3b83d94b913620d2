/// An absolute domain name in presentation form, compared without regard to ASCII case.
///
/// Stored as one lower-cased string with its trailing dot: audits hold millions of names, and one
/// string hashes faster and takes less memory than an array of labels (a reverse IPv6 name has 34).
public struct DNSName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// "app.example.test.", or "." for the root. Labels never contain a dot (see `isAllowed`).
    public let text: String

    /// Lower-cased labels, root last (the root itself has no labels).
    public var labels: [String] {
        text == "." ? [] : text.utf8.dropLast().split(separator: UInt8(ascii: ".")).map { String(decoding: $0, as: UTF8.self) }
    }

    public static let root = DNSName(validatedText: ".")

    /// Parses a name; a name without a trailing dot is taken as absolute, as nsupdate and dig do.
    public init(_ text: String) throws(DNSModelError) {
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        if trimmed.isEmpty {
            guard text == "." else { throw .invalidName(text, reason: "it is empty") }
            self.text = "."
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
        self.text = parts.map { $0.lowercased() }.joined(separator: ".") + "."
    }

    /// For decoders that have already checked and lower-cased each label (zone files, wire data).
    package init(validatedLabels: [String]) {
        self.text = validatedLabels.isEmpty ? "." : validatedLabels.joined(separator: ".") + "."
    }

    /// For decoders that have already built the checked, lower-cased text with its trailing dot.
    package init(validatedText: String) {
        self.text = validatedText
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "_" || scalar == "*")
    }

    public var description: String { text }

    /// The number of labels, without building them.
    public var labelCount: Int { text == "." ? 0 : text.utf8.reduce(0) { $1 == UInt8(ascii: ".") ? $0 + 1 : $0 } }

    /// True when this name is `zone` or lies below it.
    public func isSubdomain(of zone: DNSName) -> Bool {
        if zone.text == "." { return true }
        // On the bytes: both texts are lower-cased ASCII, and String's hasSuffix (Unicode-aware) costs
        // several times more, for a check that audits make per record.
        let own = text.utf8, suffix = zone.text.utf8
        if let inside = own.withContiguousStorageIfAvailable({ own in
            suffix.withContiguousStorageIfAvailable { Self.endsWithZone(own, $0) }
        }) ?? nil {
            return inside
        }
        let name = Array(own), zoneBytes = Array(suffix)
        return name.withUnsafeBufferPointer { name in zoneBytes.withUnsafeBufferPointer { Self.endsWithZone(name, $0) } }
    }

    /// Whether `name` is `zone` or ends with "." + `zone`: "xexample.test." is not in "example.test.".
    private static func endsWithZone(_ name: UnsafeBufferPointer<UInt8>, _ zone: UnsafeBufferPointer<UInt8>) -> Bool {
        let extra = name.count - zone.count
        guard extra >= 0, name[extra...].elementsEqual(zone) else { return false }
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
