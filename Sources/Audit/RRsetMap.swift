import DNSModel

struct RRsetKey: Hashable {
    var name: DNSName
    var type: RecordType
}

/// The records of each RRset, by position: the first in a `PositionTable` (one probe per record, no
/// per-key allocation), the rest in a dictionary that only RRsets of several records reach.
struct RRsetMap {
    typealias Position = RecordPositions.Position

    private let records: RecordPositions
    private let firsts: PositionTable
    /// Only RRsets of more than one record: the positions after the first, in zone order.
    let more: [RRsetKey: [Position]]

    /// - Parameter hashes: each zone's `ZoneDigest.hashes`, in zone order.
    init(_ records: RecordPositions, hashes: [[UInt64]]) {
        self.records = records
        // The hashes were computed beforehand, so the keys are probed in batches (see `TableLookahead`).
        var firsts = PositionTable(capacity: records.count)
        var more: [RRsetKey: [Position]] = [:]
        var zoneStart: Position = 0
        for zoneHashes in hashes {
            TableLookahead.inBatches(zoneHashes.count) { index in
                firsts.touch(zoneHashes[index])
            } probe: { index in
                let position = zoneStart + Position(index)
                let isKey = { (other: Position) in Self.sameRRset(records.record(at: other), records.record(at: position)) }
                if firsts.insert(position, hash: zoneHashes[index], isKey: isKey) != nil {
                    let record = records.record(at: position)
                    more[RRsetKey(name: record.name, type: record.type), default: []].append(position)
                }
            }
            zoneStart += Position(zoneHashes.count)
        }
        self.firsts = firsts
        self.more = more
    }

    private static func sameRRset(_ record: ResourceRecord, _ other: ResourceRecord) -> Bool {
        record.type == other.type && record.name == other.name
    }

    func first(_ key: RRsetKey) -> Position? {
        firsts.find(NameHash.of(key.name, type: key.type)) { other in
            let record = records.record(at: other)
            return record.type == key.type && record.name == key.name
        }
    }

    func contains(_ name: DNSName, _ type: RecordType) -> Bool { first(RRsetKey(name: name, type: type)) != nil }

    /// Every position of the RRset, in zone order; empty when there is no such RRset.
    func positions(_ key: RRsetKey) -> [Position] {
        guard let first = first(key) else { return [] }
        return [first] + (more[key] ?? [])
    }
}
