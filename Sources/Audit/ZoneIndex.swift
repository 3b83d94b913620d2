import DNSModel

struct RRsetKey: Hashable {
    var name: DNSName
    var type: RecordType
}

/// The audited records, indexed once for every check. Built for zones of millions of records: the
/// records stay in the zones' arrays and the maps hold their positions, with a list only where a key
/// has more than one record (most addresses have one owner, most RRsets one record).
struct ZoneIndex {
    typealias Position = Int32

    /// The zones' own record arrays, not copied: a position counts through them in order.
    private let zoneRecords: [[ResourceRecord]]
    private let zoneStarts: [Int]
    /// A and AAAA records by address: the first, and the rest where there are more.
    private let firstOwner: [IPAddress: Position]
    let moreOwners: [IPAddress: [Position]]
    /// PTR records by the address their owner name encodes.
    let firstPointer: [IPAddress: Position]
    private let morePointers: [IPAddress: [Position]]
    private let firstOfRRset: [RRsetKey: Position]
    let moreOfRRset: [RRsetKey: [Position]]
    /// Only for names that own a CNAME: the other types beside it.
    let besideCNAME: [DNSName: Set<RecordType>]
    /// Only for CNAME targets: whether they exist.
    let existingTargets: Set<DNSName>
    let cnameTargets: Set<DNSName>
    private let cnames: [Position]
    let forwardOrigins: [DNSName]
    let reverseNetworks: [IPNetwork]
    let recordCount: Int

    func record(at position: Position) -> ResourceRecord {
        let offset = Int(position)
        var zone = zoneStarts.count - 1
        while zoneStarts[zone] > offset { zone -= 1 }
        return zoneRecords[zone][offset - zoneStarts[zone]]
    }

    /// Every record with its position, zone by zone.
    private static func forEach(in zones: [[ResourceRecord]], _ body: (Position, ResourceRecord) -> Void) {
        var position: Position = 0
        for records in zones {
            for record in records {
                body(position, record)
                position += 1
            }
        }
    }

    init(_ zones: [AuditZone]) {
        zoneRecords = zones.map(\.records)
        var starts: [Int] = []
        var total = 0
        var forwardOrigins: [DNSName] = []
        var reverseNetworks: [IPNetwork] = []
        for zone in zones {
            starts.append(total)
            total += zone.records.count
            if let network = IPNetwork(reverseZone: zone.origin) {
                reverseNetworks.append(network)
            } else {
                forwardOrigins.append(zone.origin)
            }
        }
        zoneStarts = starts
        recordCount = total
        self.forwardOrigins = forwardOrigins
        self.reverseNetworks = reverseNetworks
        var cnameOwners: Set<DNSName> = []
        var cnameTargets: Set<DNSName> = []
        var cnames: [Position] = []
        Self.forEach(in: zoneRecords) { position, record in
            if case .cname(let target) = record.data {
                cnameOwners.insert(record.name)
                cnameTargets.insert(target)
                cnames.append(position)
            }
        }
        self.cnameTargets = cnameTargets
        self.cnames = cnames
        // Built in locals, not through self: a closure may not capture an initializing self.
        var firstOfRRset: [RRsetKey: Position] = [:], moreOfRRset: [RRsetKey: [Position]] = [:]
        var firstOwner: [IPAddress: Position] = [:], moreOwners: [IPAddress: [Position]] = [:]
        var firstPointer: [IPAddress: Position] = [:], morePointers: [IPAddress: [Position]] = [:]
        var besideCNAME: [DNSName: Set<RecordType>] = [:], existingTargets: Set<DNSName> = []
        firstOfRRset.reserveCapacity(total)
        firstOwner.reserveCapacity(total / 2)
        firstPointer.reserveCapacity(total / 2)
        Self.forEach(in: zoneRecords) { position, record in
            let key = RRsetKey(name: record.name, type: record.type)
            // One hash for the common case of a new key; a repeated key puts its first position back.
            if let previous = firstOfRRset.updateValue(position, forKey: key) {
                firstOfRRset[key] = previous
                moreOfRRset[key, default: []].append(position)
            }
            if !cnameOwners.isEmpty, record.type != .cname, cnameOwners.contains(record.name) {
                besideCNAME[record.name, default: []].insert(record.type)
            }
            if !cnameTargets.isEmpty, cnameTargets.contains(record.name) { existingTargets.insert(record.name) }
            switch record.data {
            case .address(let address):
                Self.add(position, at: address, first: &firstOwner, more: &moreOwners)
            case .ptr:
                if let address = IPAddress(reverseName: record.name) {
                    Self.add(position, at: address, first: &firstPointer, more: &morePointers)
                }
            default:
                break
            }
        }
        (self.firstOfRRset, self.moreOfRRset, self.firstOwner, self.moreOwners) = (firstOfRRset, moreOfRRset, firstOwner, moreOwners)
        (self.firstPointer, self.morePointers, self.besideCNAME, self.existingTargets) = (firstPointer, morePointers, besideCNAME, existingTargets)
    }

    private static func add(_ position: Position, at address: IPAddress,
                            first: inout [IPAddress: Position], more: inout [IPAddress: [Position]]) {
        if let previous = first.updateValue(position, forKey: address) {
            first[address] = previous
            more[address, default: []].append(position)
        }
    }

    private func gather(_ first: Position?, _ more: [Position]?) -> [ResourceRecord] {
        guard let first else { return [] }
        return [record(at: first)] + (more ?? []).map(record(at:))
    }

    func owners(of address: IPAddress) -> [ResourceRecord] { gather(firstOwner[address], moreOwners[address]) }

    func pointers(of address: IPAddress) -> [ResourceRecord] { gather(firstPointer[address], morePointers[address]) }

    /// Every address with a PTR, and its PTR when it has exactly one (the common case, without an array).
    func forEachPointer(_ body: (IPAddress, ResourceRecord?) -> Void) {
        for (address, first) in firstPointer {
            body(address, morePointers[address] == nil ? record(at: first) : nil)
        }
    }

    func rrset(_ key: RRsetKey) -> [ResourceRecord] { gather(firstOfRRset[key], moreOfRRset[key]) }

    /// The addresses that have at least one A or AAAA record.
    var ownedAddresses: Dictionary<IPAddress, Position>.Keys { firstOwner.keys }

    func hasOwner(_ address: IPAddress, named name: DNSName) -> Bool {
        guard let first = firstOwner[address] else { return false }
        if record(at: first).name == name { return true }
        return moreOwners[address]?.contains { record(at: $0).name == name } ?? false
    }

    func hasPointer(_ address: IPAddress) -> Bool { firstPointer[address] != nil }

    /// True when the name lies in a forward zone that was audited, so its absence means something.
    func isAudited(_ name: DNSName) -> Bool {
        forwardOrigins.contains { name.isSubdomain(of: $0) }
    }

    func isAuditedReverse(_ address: IPAddress) -> Bool {
        reverseNetworks.contains { $0.contains(address) }
    }

    /// The CNAME records that point at `target`.
    func aliases(of target: DNSName) -> [ResourceRecord] {
        cnames.map(record(at:)).filter { $0.data == .cname(target) }
    }

    func pointerTargets(of address: IPAddress) -> [DNSName] {
        pointers(of: address).compactMap { if case .ptr(let name) = $0.data { name } else { nil } }
    }

    func addressRecords(of name: DNSName) -> [ResourceRecord] {
        rrset(RRsetKey(name: name, type: .a)) + rrset(RRsetKey(name: name, type: .aaaa))
    }
}
