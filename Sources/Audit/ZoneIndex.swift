import DNSModel

/// The audited records, indexed once for every check. Built for zones of millions of records: the
/// records stay in the zones' arrays and the tables hold their positions (see `RRsetMap` and
/// `AddressTable`), built on two cores.
struct ZoneIndex {
    typealias Position = RecordPositions.Position

    private let records: RecordPositions
    private let rrsets: RRsetMap
    private let addressTable: AddressTable
    private let summary: ScanSummary
    let forwardOrigins: [DNSName]
    let reverseNetworks: [IPNetwork]
    var recordCount: Int { records.count }

    init(_ zones: [AuditZone]) {
        let records = RecordPositions(zones)
        self.records = records
        forwardOrigins = zones.map(\.origin).filter { IPNetwork(reverseZone: $0) == nil }
        reverseNetworks = zones.compactMap { IPNetwork(reverseZone: $0.origin) }
        // The zones' own work, for those not prepared by their reader; then one table per core.
        let digests = Self.digests(zones)
        let starts = records.zoneStarts
        let (addressTable, (rrsets, summary)) = Parallel.both(
            { AddressTable(mentions: digests.map(\.mentions), zoneStarts: starts) },
            {
                let rrsets = RRsetMap(records, hashes: digests.map(\.hashes))
                return (rrsets, ScanSummary(digests, zoneStarts: starts, rrsets: rrsets))
            })
        self.rrsets = rrsets
        self.addressTable = addressTable
        self.summary = summary
    }

    var besideCNAME: [DNSName: Set<RecordType>] { summary.besideCNAME }
    var existingTargets: Set<DNSName> { summary.existingTargets }
    var cnameTargets: Set<DNSName> { summary.cnameTargets }
    var outOfZone: [(position: Position, zone: Int)] { summary.outOfZone }

    /// Each zone's digest: the one its reader prepared, or one made now.
    private static func digests(_ zones: [AuditZone]) -> [ZoneDigest] {
        zones.map { zone in zone.digest ?? ZoneDigest(zone) }
    }

    func record(at position: Position) -> ResourceRecord { records.record(at: position) }

    /// The addresses are numbered 0..<addressCount, each with its slot.
    var addressCount: Int { addressTable.addresses.count }

    func address(number: Int) -> (IPAddress, AddressTable.Slot) { (addressTable.addresses[number], addressTable.slots[number]) }
    var moreOwners: [IPAddress: [Position]] { addressTable.moreOwners }
    var moreOfRRset: [RRsetKey: [Position]] { rrsets.more }

    private func gather(_ first: Position?, _ more: [Position]?) -> [ResourceRecord] {
        guard let first else { return [] }
        return [record(at: first)] + (more ?? []).map(record(at:))
    }

    func owners(of address: IPAddress) -> [ResourceRecord] {
        gather(addressTable.slot(of: address).flatMap { $0.owner >= 0 ? $0.owner : nil }, addressTable.moreOwners[address])
    }

    func pointers(of address: IPAddress) -> [ResourceRecord] {
        gather(addressTable.slot(of: address).flatMap { $0.pointer >= 0 ? $0.pointer : nil }, addressTable.morePointers[address])
    }

    func rrset(_ key: RRsetKey) -> [ResourceRecord] { rrsets.positions(key).map(record(at:)) }

    func hasOwner(_ address: IPAddress, _ slot: AddressTable.Slot, named name: DNSName) -> Bool {
        guard slot.owner >= 0 else { return false }
        if record(at: slot.owner).name == name { return true }
        return slot.severalOwners && addressTable.moreOwners[address]?.contains { record(at: $0).name == name } == true
    }

    /// True when the name lies in a forward zone that was audited, so its absence means something.
    func isAudited(_ name: DNSName) -> Bool {
        forwardOrigins.contains { name.isSubdomain(of: $0) }
    }

    func isAuditedReverse(_ address: IPAddress) -> Bool {
        reverseNetworks.contains { $0.contains(address) }
    }

    /// The CNAME records that point at `target`.
    func aliases(of target: DNSName) -> [ResourceRecord] {
        summary.cnames.map(record(at:)).filter { $0.data == .cname(target) }
    }

    func pointerTargets(of address: IPAddress) -> [DNSName] {
        pointers(of: address).compactMap { if case .ptr(let name) = $0.data { name } else { nil } }
    }

    func addressRecords(of name: DNSName) -> [ResourceRecord] {
        rrset(RRsetKey(name: name, type: .a)) + rrset(RRsetKey(name: name, type: .aaaa))
    }
}
