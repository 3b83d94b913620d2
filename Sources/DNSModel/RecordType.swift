/// A DNS record type by its code, with names for the types dnsfix reads and writes.
public struct RecordType: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RecordType(rawValue: 1)
    public static let ns = RecordType(rawValue: 2)
    public static let cname = RecordType(rawValue: 5)
    public static let soa = RecordType(rawValue: 6)
    public static let ptr = RecordType(rawValue: 12)
    public static let mx = RecordType(rawValue: 15)
    public static let txt = RecordType(rawValue: 16)
    public static let aaaa = RecordType(rawValue: 28)
    public static let srv = RecordType(rawValue: 33)
    public static let any = RecordType(rawValue: 255)

    private static let names: [UInt16: String] = [
        1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 255: "ANY",
    ]

    /// Accepts a mnemonic ("AAAA") or the RFC 3597 form ("TYPE28").
    public init?(_ text: String) {
        let upper = text.uppercased()
        if let known = RecordType.names.first(where: { $0.value == upper }) {
            self.init(rawValue: known.key)
        } else if upper.hasPrefix("TYPE"), let code = UInt16(upper.dropFirst(4)) {
            self.init(rawValue: code)
        } else {
            return nil
        }
    }

    public var description: String { RecordType.names[rawValue] ?? "TYPE\(rawValue)" }

    public static func < (lhs: RecordType, rhs: RecordType) -> Bool { lhs.rawValue < rhs.rawValue }
}
