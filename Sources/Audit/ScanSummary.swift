import DNSModel

/// The zones' scans added up, with the CNAME facts that need the RRset map. Built on the core that
/// built the RRset map while the other still builds the address table, the longer of the two.
struct ScanSummary {
    typealias Position = RecordPositions.Position

    /// Only for names that own a CNAME: the other types beside it.
    let besideCNAME: [DNSName: Set<RecordType>]
    /// Only for CNAME targets: whether they exist.
    let existingTargets: Set<DNSName>
    let cnameTargets: Set<DNSName>
    let cnames: [Position]
    /// Records outside the zone they came with, and that zone's number.
    let outOfZone: [(position: Position, zone: Int)]

    init(_ digests: [ZoneDigest], zoneStarts: [Int], rrsets: RRsetMap) {
        var cnameOwners: Set<DNSName> = [], cnameTargets: Set<DNSName> = [], cnames: [Position] = []
        var types: Set<RecordType> = [], outOfZone: [(position: Position, zone: Int)] = []
        for (zone, (digest, start)) in zip(digests, zoneStarts).enumerated() {
            let scan = digest.scan
            cnameOwners.formUnion(scan.owners)
            cnameTargets.formUnion(scan.targets)
            cnames += scan.cnames.map { Position(start) + $0 }
            types.formUnion(scan.presentTypes)
            outOfZone += scan.outOfZone.map { (Position(start) + $0, zone) }
        }
        self.cnameTargets = cnameTargets
        self.cnames = cnames
        self.outOfZone = outOfZone
        // CNAME neighbours and targets by probing the RRset map with the types the zones hold,
        // rather than hashing every record's name against them; the addresses first, as most
        // targets are hosts.
        let probed = [RecordType.aaaa, .a].filter(types.contains) + types.subtracting([.aaaa, .a, .cname]).sorted()
        var besideCNAME: [DNSName: Set<RecordType>] = [:]
        for owner in cnameOwners {
            let others = probed.filter { rrsets.contains(owner, $0) }
            if !others.isEmpty { besideCNAME[owner] = Set(others) }
        }
        self.besideCNAME = besideCNAME
        let anyType = types.contains(.cname) ? probed + [.cname] : probed
        existingTargets = cnameTargets.filter { target in anyType.contains { rrsets.contains(target, $0) } }
    }
}
