import DNSModel

/// The audited zones' records as one numbered sequence, without copying the zones' arrays: the index
/// stores 32-bit positions into it instead of records (a record is 80 bytes and holds references).
struct RecordPositions {
    typealias Position = Int32

    private let zoneRecords: [[ResourceRecord]]
    /// The position of each zone's first record.
    private let zoneStarts: [Int]
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

    /// Every record with its position, zone by zone.
    func forEach(_ body: (Position, ResourceRecord) -> Void) {
        forEachInZone { position, _, record in body(position, record) }
    }

    /// Every record with its position and its zone's number, zone by zone.
    func forEachInZone(_ body: (Position, _ zone: Int, ResourceRecord) -> Void) {
        var position: Position = 0
        for (zone, records) in zoneRecords.enumerated() {
            records.withUnsafeBufferPointer { records in
                for index in records.indices {
                    body(position, zone, records[index])
                    position += 1
                }
            }
        }
    }
}
