import DNSModel

/// What one pass over a zone's records finds besides the tables: the CNAMEs, the record types
/// present, and the records outside the zone. Positions are within the zone.
struct RecordScan: Sendable {
    typealias Position = RecordPositions.Position

    var owners: Set<DNSName> = []
    var targets: Set<DNSName> = []
    /// The CNAME records' positions.
    var cnames: [Position] = []
    var presentTypes: Set<RecordType> = []
    var outOfZone: [Position] = []

    init(_ records: [ResourceRecord], origin: DNSName) {
        var present = [Bool](repeating: false, count: Int(UInt16.max) + 1)
        for (position, record) in records.enumerated() {
            present[Int(record.type.rawValue)] = true
            if case .cname(let target) = record.data {
                owners.insert(record.name)
                targets.insert(target)
                cnames.append(Position(position))
            }
            if !record.name.isSubdomain(of: origin) { outOfZone.append(Position(position)) }
        }
        presentTypes = Set(present.indices.filter { present[$0] }.map { RecordType(rawValue: UInt16($0)) })
    }
}
