import DNSModel

struct RRsetKey: Hashable {
    var name: DNSName
    var type: RecordType
}

/// The audited records, indexed once for every check.
struct ZoneIndex {
    /// A and AAAA records by address.
    var owners: [IPAddress: [ResourceRecord]] = [:]
    /// PTR records by the address their owner name encodes.
    var pointers: [IPAddress: [ResourceRecord]] = [:]
    var rrsets: [RRsetKey: [ResourceRecord]] = [:]
    /// The types present at each name.
    var types: [DNSName: Set<RecordType>] = [:]
    var forwardOrigins: [DNSName] = []
    var reverseOrigins: [DNSName] = []
    var recordCount = 0

    init(_ zones: [AuditZone]) {
        for zone in zones {
            if zone.isReverse { reverseOrigins.append(zone.origin) } else { forwardOrigins.append(zone.origin) }
            recordCount += zone.records.count
            for record in zone.records {
                rrsets[RRsetKey(name: record.name, type: record.type), default: []].append(record)
                types[record.name, default: []].insert(record.type)
                switch record.data {
                case .address(let address):
                    owners[address, default: []].append(record)
                case .ptr:
                    if let address = IPAddress(reverseName: record.name) { pointers[address, default: []].append(record) }
                default:
                    break
                }
            }
        }
    }

    /// True when the name lies in a forward zone that was audited, so its absence means something.
    func isAudited(_ name: DNSName) -> Bool {
        forwardOrigins.contains { name.isSubdomain(of: $0) }
    }

    func isAuditedReverse(_ address: IPAddress) -> Bool {
        let reverse = address.reverseName
        return reverseOrigins.contains { reverse.isSubdomain(of: $0) }
    }

    func pointerTargets(of address: IPAddress) -> [DNSName] {
        (pointers[address] ?? []).compactMap { if case .ptr(let name) = $0.data { name } else { nil } }
    }

    func addressRecords(of name: DNSName) -> [ResourceRecord] {
        (rrsets[RRsetKey(name: name, type: .a)] ?? []) + (rrsets[RRsetKey(name: name, type: .aaaa)] ?? [])
    }
}
