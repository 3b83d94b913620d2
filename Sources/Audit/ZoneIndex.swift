import DNSModel
import Dispatch
import Foundation

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
    /// Per address, its first A/AAAA record and its first PTR side by side, so that the pointer checks
    /// are one pass over one table; `moreOwners` and `morePointers` hold the rest where there are more.
    struct AddressSlot {
        var owner: Position = -1
        var pointer: Position = -1
        var severalOwners = false
        var severalPointers = false
    }

    let addresses: [IPAddress: AddressSlot]
    let moreOwners: [IPAddress: [Position]]
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
    /// Each RRset's first position, and the rest where an RRset has more than one record.
    private static func rrsetMap(_ zones: [[ResourceRecord]], capacity: Int)
        -> (first: [RRsetKey: Position], more: [RRsetKey: [Position]]) {
        var first: [RRsetKey: Position] = [:]
        var more: [RRsetKey: [Position]] = [:]
        first.reserveCapacity(capacity)
        forEach(in: zones) { position, record in
            let key = RRsetKey(name: record.name, type: record.type)
            // One hash for the common case of a new key; a repeated key puts its first position back.
            if let previous = first.updateValue(position, forKey: key) {
                first[key] = previous
                more[key, default: []].append(position)
            }
        }
        return (first, more)
    }

    private static func addressTable(_ zones: [[ResourceRecord]], capacity: Int)
        -> (slots: [IPAddress: AddressSlot], owners: [IPAddress: [Position]], pointers: [IPAddress: [Position]]) {
        var slots: [IPAddress: AddressSlot] = [:]
        var owners: [IPAddress: [Position]] = [:]
        var pointers: [IPAddress: [Position]] = [:]
        slots.reserveCapacity(capacity)
        forEach(in: zones) { position, record in
            switch record.data {
            case .address(let address):
                if !slots[address, default: AddressSlot()].takeOwner(position) {
                    owners[address, default: []].append(position)
                }
            case .ptr:
                if let address = IPAddress(reverseName: record.name),
                   !slots[address, default: AddressSlot()].takePointer(position) {
                    pointers[address, default: []].append(position)
                }
            default:
                break
            }
        }
        return (slots, owners, pointers)
    }

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
        var present = [Bool](repeating: false, count: Int(UInt16.max) + 1)
        var addressRecords = 0
        Self.forEach(in: zoneRecords) { position, record in
            present[Int(record.type.rawValue)] = true
            switch record.data {
            case .cname(let target):
                cnameOwners.insert(record.name)
                cnameTargets.insert(target)
                cnames.append(position)
            case .address, .ptr:
                addressRecords += 1
            default:
                break
            }
        }
        self.cnameTargets = cnameTargets
        self.cnames = cnames
        // The RRset map and the address table are independent: one core builds each.
        let rrsets = Shared<(first: [RRsetKey: Position], more: [RRsetKey: [Position]])>(([:], [:]))
        let table = Shared<(slots: [IPAddress: AddressSlot], owners: [IPAddress: [Position]], pointers: [IPAddress: [Position]])>(([:], [:], [:]))
        let records = zoneRecords
        let rrsetCapacity = total, addressCapacity = addressRecords / 2 + 16
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                rrsets.value = Self.rrsetMap(records, capacity: rrsetCapacity)
            } else {
                table.value = Self.addressTable(records, capacity: addressCapacity)
            }
        }
        let (firstOfRRset, moreOfRRset) = rrsets.value
        let (addresses, moreOwners, morePointers) = table.value
        (self.firstOfRRset, self.moreOfRRset) = (firstOfRRset, moreOfRRset)
        (self.addresses, self.moreOwners, self.morePointers) = (addresses, moreOwners, morePointers)
        // CNAME neighbours and targets by probing the RRset map with the types the zones hold,
        // rather than hashing every record's name against them.
        let types = present.indices.filter { present[$0] }.map { RecordType(rawValue: UInt16($0)) }
        func has(_ name: DNSName, _ type: RecordType) -> Bool { firstOfRRset[RRsetKey(name: name, type: type)] != nil }
        var besideCNAME: [DNSName: Set<RecordType>] = [:]
        for owner in cnameOwners {
            let others = types.filter { $0 != .cname && has(owner, $0) }
            if !others.isEmpty { besideCNAME[owner] = Set(others) }
        }
        self.besideCNAME = besideCNAME
        self.existingTargets = cnameTargets.filter { target in types.contains { has(target, $0) } }
    }

    private func gather(_ first: Position?, _ more: [Position]?) -> [ResourceRecord] {
        guard let first else { return [] }
        return [record(at: first)] + (more ?? []).map(record(at:))
    }

    func owners(of address: IPAddress) -> [ResourceRecord] {
        gather(addresses[address].flatMap { $0.owner >= 0 ? $0.owner : nil }, moreOwners[address])
    }

    func pointers(of address: IPAddress) -> [ResourceRecord] {
        gather(addresses[address].flatMap { $0.pointer >= 0 ? $0.pointer : nil }, morePointers[address])
    }

    func rrset(_ key: RRsetKey) -> [ResourceRecord] { gather(firstOfRRset[key], moreOfRRset[key]) }

    func hasOwner(_ address: IPAddress, _ slot: AddressSlot, named name: DNSName) -> Bool {
        guard slot.owner >= 0 else { return false }
        if record(at: slot.owner).name == name { return true }
        return slot.severalOwners && moreOwners[address]?.contains { record(at: $0).name == name } == true
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
        cnames.map(record(at:)).filter { $0.data == .cname(target) }
    }

    func pointerTargets(of address: IPAddress) -> [DNSName] {
        pointers(of: address).compactMap { if case .ptr(let name) = $0.data { name } else { nil } }
    }

    func addressRecords(of name: DNSName) -> [ResourceRecord] {
        rrset(RRsetKey(name: name, type: .a)) + rrset(RRsetKey(name: name, type: .aaaa))
    }
}

extension ZoneIndex.AddressSlot {
    /// Records the owner; false when the slot had one already (the caller keeps the rest).
    mutating func takeOwner(_ position: ZoneIndex.Position) -> Bool {
        guard owner < 0 else { severalOwners = true; return false }
        owner = position
        return true
    }

    mutating func takePointer(_ position: ZoneIndex.Position) -> Bool {
        guard pointer < 0 else { severalPointers = true; return false }
        pointer = position
        return true
    }
}

/// One result written by one worker of a concurrentPerform and read after it returns.
private final class Shared<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
