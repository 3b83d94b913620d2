import DNSModel

struct RRsetKey: Hashable {
    var name: DNSName
    var type: RecordType
}

/// The audited records, indexed once for every check. Built for zones of millions of records: the
/// records stay in one array and the maps hold their positions, with a list only where a key has
/// more than one record (most addresses have one owner, most RRsets one record).
struct ZoneIndex {
    typealias Position = Int32

    private(set) var records: [ResourceRecord] = []
    /// A and AAAA records by address: the first, and the rest where there are more.
    private var firstOwner: [IPAddress: Position] = [:]
    private(set) var moreOwners: [IPAddress: [Position]] = [:]
    /// PTR records by the address their owner name encodes.
    private(set) var firstPointer: [IPAddress: Position] = [:]
    private var morePointers: [IPAddress: [Position]] = [:]
    private var firstOfRRset: [RRsetKey: Position] = [:]
    private(set) var moreOfRRset: [RRsetKey: [Position]] = [:]
    /// Only for names that own a CNAME: the other types beside it.
    private(set) var besideCNAME: [DNSName: Set<RecordType>] = [:]
    /// Only for CNAME targets: whether they exist.
    private(set) var existingTargets: Set<DNSName> = []
    private(set) var cnameTargets: Set<DNSName> = []
    private var cnames: [Position] = []
    var forwardOrigins: [DNSName] = []
    var reverseNetworks: [IPNetwork] = []
    var recordCount: Int { records.count }

    init(_ zones: [AuditZone]) {
        records.reserveCapacity(zones.reduce(0) { $0 + $1.records.count })
        for zone in zones {
            if let network = IPNetwork(reverseZone: zone.origin) {
                reverseNetworks.append(network)
            } else {
                forwardOrigins.append(zone.origin)
            }
            records += zone.records
        }
        var cnameOwners: Set<DNSName> = []
        for (offset, record) in records.enumerated() {
            if case .cname(let target) = record.data {
                cnameOwners.insert(record.name)
                cnameTargets.insert(target)
                cnames.append(Position(offset))
            }
        }
        firstOfRRset.reserveCapacity(records.count)
        firstOwner.reserveCapacity(records.count / 2)
        firstPointer.reserveCapacity(records.count / 2)
        for (offset, record) in records.enumerated() {
            let position = Position(offset)
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
        return [records[Int(first)]] + (more ?? []).map { records[Int($0)] }
    }

    func owners(of address: IPAddress) -> [ResourceRecord] { gather(firstOwner[address], moreOwners[address]) }

    func pointers(of address: IPAddress) -> [ResourceRecord] { gather(firstPointer[address], morePointers[address]) }

    /// Every address with a PTR, and its PTR when it has exactly one (the common case, without an array).
    func forEachPointer(_ body: (IPAddress, ResourceRecord?) -> Void) {
        for (address, first) in firstPointer {
            body(address, morePointers[address] == nil ? records[Int(first)] : nil)
        }
    }

    func rrset(_ key: RRsetKey) -> [ResourceRecord] { gather(firstOfRRset[key], moreOfRRset[key]) }

    /// The addresses that have at least one A or AAAA record.
    var ownedAddresses: Dictionary<IPAddress, Position>.Keys { firstOwner.keys }

    func hasOwner(_ address: IPAddress, named name: DNSName) -> Bool {
        guard let first = firstOwner[address] else { return false }
        if records[Int(first)].name == name { return true }
        return moreOwners[address]?.contains { records[Int($0)].name == name } ?? false
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
        cnames.map { records[Int($0)] }.filter { $0.data == .cname(target) }
    }

    func pointerTargets(of address: IPAddress) -> [DNSName] {
        pointers(of: address).compactMap { if case .ptr(let name) = $0.data { name } else { nil } }
    }

    func addressRecords(of name: DNSName) -> [ResourceRecord] {
        rrset(RRsetKey(name: name, type: .a)) + rrset(RRsetKey(name: name, type: .aaaa))
    }
}
