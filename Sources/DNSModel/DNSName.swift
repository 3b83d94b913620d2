/// An absolute domain name in presentation form, compared without regard to ASCII case.
public struct DNSName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Lower-cased labels, root last (the root itself has no labels).
    public let labels: [String]

    public static let root = DNSName(validatedLabels: [])

    /// Parses a name; a name without a trailing dot is taken as absolute, as nsupdate and dig do.
    public init(_ text: String) throws(DNSModelError) {
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        if trimmed.isEmpty {
            guard text == "." else { throw .invalidName(text, reason: "it is empty") }
            self.labels = []
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
        self.labels = parts.map { $0.lowercased() }
    }

    /// For decoders that have already checked and lower-cased each label (zone files, wire data).
    package init(validatedLabels: [String]) {
        self.labels = validatedLabels
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            || scalar == "-" || scalar == "_" || scalar == "*")
    }

    public var description: String { labels.isEmpty ? "." : labels.joined(separator: ".") + "." }

    public var parent: DNSName? { labels.isEmpty ? nil : DNSName(validatedLabels: Array(labels.dropFirst())) }

    /// True when this name is `zone` or lies below it.
    public func isSubdomain(of zone: DNSName) -> Bool {
        labels.count >= zone.labels.count && Array(labels.suffix(zone.labels.count)) == zone.labels
    }

    /// This name and each of its ancestors, nearest first, ending with the root.
    public var selfAndAncestors: [DNSName] {
        (0...labels.count).map { DNSName(validatedLabels: Array(labels.dropFirst($0))) }
    }

    /// Canonical DNS order (RFC 4034 §6.1): compare labels right to left.
    public static func < (lhs: DNSName, rhs: DNSName) -> Bool {
        for (left, right) in zip(lhs.labels.reversed(), rhs.labels.reversed()) where left != right {
            return Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
        }
        return lhs.labels.count < rhs.labels.count
    }
}
