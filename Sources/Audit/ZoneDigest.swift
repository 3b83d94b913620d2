import DNSModel

/// The per-record work of an audit that needs no other zone: each record's RRset hash, the addresses
/// its A, AAAA and PTR records name, and the scan. A reader that reads zones on several threads has
/// it done on each (`AuditZone.prepare()`) while the other zones are still being read; the index
/// then only has to put the pieces into its tables.
struct ZoneDigest: Sendable {
    /// An A/AAAA record (the address's owner) or a PTR record (its pointer), by position in its zone.
    struct AddressMention: Sendable {
        var address: IPAddress
        var position: Int32
        var isPointer: Bool
    }

    /// Each record's `NameHash.of(name, type:)`, in zone order.
    let hashes: [UInt64]
    let mentions: [AddressMention]
    let scan: RecordScan

    init(_ zone: AuditZone) {
        let records = zone.records, origin = zone.origin
        // Two independent passes, one core each.
        let ((hashes, scan), mentions) = Parallel.both(
            { (records.map { NameHash.of($0.name, type: $0.type) }, RecordScan(records, origin: origin)) },
            { Self.mentions(records) })
        self.hashes = hashes
        self.scan = scan
        self.mentions = mentions
    }

    private static func mentions(_ records: [ResourceRecord]) -> [AddressMention] {
        // At most one per record: reserved, the array is written once instead of copied at each doubling.
        var mentions: [AddressMention] = []
        mentions.reserveCapacity(records.count)
        for (position, record) in records.enumerated() {
            switch record.data {
            case .address(let address):
                mentions.append(AddressMention(address: address, position: Int32(position), isPointer: false))
            case .ptr:
                if let address = IPAddress(reverseName: record.name) {
                    mentions.append(AddressMention(address: address, position: Int32(position), isPointer: true))
                }
            default:
                break
            }
        }
        return mentions
    }
}
