import DNSModel

/// What one pass over every record finds besides the tables: the CNAMEs, the record types present,
/// and the records outside their zone.
struct RecordScan {
    typealias Position = RecordPositions.Position

    var owners: Set<DNSName> = []
    var targets: Set<DNSName> = []
    /// The CNAME records' positions.
    var cnames: [Position] = []
    var presentTypes: [RecordType] = []
    var outOfZone: [(position: Position, zone: Int)] = []

    /// - Parameter origins: each zone's origin, by zone number.
    init(_ records: RecordPositions, origins: [DNSName]) {
        var present = [Bool](repeating: false, count: Int(UInt16.max) + 1)
        records.forEachInZone { position, zone, record in
            present[Int(record.type.rawValue)] = true
            if case .cname(let target) = record.data {
                owners.insert(record.name)
                targets.insert(target)
                cnames.append(position)
            }
            if !record.name.isSubdomain(of: origins[zone]) { outOfZone.append((position, zone)) }
        }
        presentTypes = present.indices.filter { present[$0] }.map { RecordType(rawValue: UInt16($0)) }
    }
}
