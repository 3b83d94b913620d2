import DNSModel

/// The audited zones' records as one numbered sequence, without copying the zones' arrays: the index
/// stores 32-bit positions into it instead of records (a record is 80 bytes and holds references).
struct RecordPositions {
    typealias Position = Int32

    private let zoneRecords: [[ResourceRecord]]
    /// The position of each zone's first record.
    let zoneStarts: [Int]
    let count: Int

    init(_ zones: [AuditZone]) {
        zoneRecords = zones.map(\.records)
        var starts: [Int] = []
        var total = 0
        for zone in zones {
            starts.append(total)
            total += zone.records.count
        }
        precondition(total <= Int(Position.max), "more records than an audit can index")
        zoneStarts = starts
        count = total
    }

    func record(at position: Position) -> ResourceRecord {
        let offset = Int(position)
        var zone = zoneStarts.count - 1
        while zoneStarts[zone] > offset { zone -= 1 }
        return zoneRecords[zone][offset - zoneStarts[zone]]
    }
}
