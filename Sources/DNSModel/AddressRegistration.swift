/// What `dnsfix update` asks of the primary: a name that owns exactly these addresses, or loses them,
/// with the PTR of each address naming it.
public struct AddressRegistration: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        /// The name's A and AAAA RRsets become exactly `addresses`.
        case replace
        /// `addresses` are deleted from the name.
        case remove
    }

    public var name: DNSName
    public var addresses: [IPAddress]
    public var ttl: UInt32
    public var managesPointers: Bool
    /// Compare-and-swap: the change applies only while the name's A and AAAA are exactly these.
    public var expectedCurrent: [IPAddress]?
    public var mode: Mode

    public init(name: DNSName, addresses: [IPAddress], ttl: UInt32, managesPointers: Bool = false,
                expectedCurrent: [IPAddress]? = nil, mode: Mode = .replace) {
        self.name = name
        self.addresses = addresses
        self.ttl = ttl
        self.managesPointers = managesPointers
        self.expectedCurrent = expectedCurrent
        self.mode = mode
    }
}

/// What the primary holds now, as far as one registration is concerned.
public struct RegistrationSnapshot: Hashable, Sendable {
    /// The PTR records at one address's reverse name, and the zone that holds them.
    public struct Pointers: Hashable, Sendable {
        public var zone: DNSName
        public var records: [ResourceRecord]
        public init(zone: DNSName, records: [ResourceRecord]) {
            self.zone = zone
            self.records = records
        }
    }

    public var forwardZone: DNSName
    /// The name's A and AAAA records.
    public var addressRecords: [ResourceRecord]
    /// For each address whose PTR the registration manages.
    public var pointers: [IPAddress: Pointers]

    public init(forwardZone: DNSName, addressRecords: [ResourceRecord], pointers: [IPAddress: Pointers] = [:]) {
        self.forwardZone = forwardZone
        self.addressRecords = addressRecords
        self.pointers = pointers
    }

    public var currentAddresses: Set<IPAddress> {
        Set(addressRecords.compactMap { if case .address(let address) = $0.data { address } else { nil } })
    }
}

/// Turns a registration and a snapshot into the UPDATE messages that make the primary match, and
/// nothing when it already does: running the planner on a fresh snapshot is the verification.
public enum RegistrationPlanner {
    /// The addresses whose PTRs the shell must look up before planning.
    public static func addressesNeedingPointers(_ registration: AddressRegistration,
                                                current: Set<IPAddress>) -> [IPAddress] {
        guard registration.managesPointers else { return [] }
        switch registration.mode {
        case .replace: return Set(registration.addresses).union(current).sorted()
        case .remove: return Set(registration.addresses).sorted()
        }
    }

    /// The forward plan first, then one plan per reverse zone; empty plans are left out.
    public static func plans(_ registration: AddressRegistration, snapshot: RegistrationSnapshot) -> [UpdatePlan] {
        var forward = UpdatePlan(zone: snapshot.forwardZone)
        forward.operations = forwardOperations(registration, snapshot: snapshot)
        if !forward.operations.isEmpty {
            forward.prerequisites = compareAndSwapPrerequisites(registration)
        }
        let reverse = pointerPlans(registration, snapshot: snapshot)
        return ([forward] + reverse).filter { !$0.isEmpty }
    }

    static func compareAndSwapPrerequisites(_ registration: AddressRegistration) -> [Prerequisite] {
        guard let expected = registration.expectedCurrent else { return [] }
        return [RecordType.a, RecordType.aaaa].map { type in
            let data = expected.filter { $0.recordType == type }.sorted().map(RecordData.address)
            return data.isEmpty ? .rrsetDoesNotExist(registration.name, type) : .rrsetEquals(registration.name, data)
        }
    }

    static func forwardOperations(_ registration: AddressRegistration,
                                  snapshot: RegistrationSnapshot) -> [UpdateOperation] {
        let name = registration.name
        switch registration.mode {
        case .remove:
            let present = snapshot.currentAddresses
            return registration.addresses.filter(present.contains).sorted()
                .map { .deleteRecord(name, .address($0)) }
        case .replace:
            return [RecordType.a, RecordType.aaaa].flatMap { type -> [UpdateOperation] in
                let wanted = Set(registration.addresses.filter { $0.recordType == type }
                    .map { ResourceRecord(name: name, ttl: registration.ttl, data: .address($0)) })
                let held = Set(snapshot.addressRecords.filter { $0.type == type })
                guard wanted != held else { return [] }
                return [.deleteRRset(name, type)] + wanted.sorted(by: byData).map(UpdateOperation.add)
            }
        }
    }

    static func pointerPlans(_ registration: AddressRegistration, snapshot: RegistrationSnapshot) -> [UpdatePlan] {
        guard registration.managesPointers else { return [] }
        let name = registration.name
        let wanted: Set<IPAddress> = registration.mode == .replace ? Set(registration.addresses) : []
        var byZone: [DNSName: [UpdateOperation]] = [:]
        for address in addressesNeedingPointers(registration, current: snapshot.currentAddresses) {
            guard let pointers = snapshot.pointers[address] else { continue }
            let reverse = address.reverseName
            let held = Set(pointers.records)
            if wanted.contains(address) {
                let target = ResourceRecord(name: reverse, ttl: registration.ttl, data: .ptr(name))
                if held != [target] {
                    byZone[pointers.zone, default: []] += [.deleteRRset(reverse, .ptr), .add(target)]
                }
            } else if held.contains(where: { $0.data == .ptr(name) }) {
                byZone[pointers.zone, default: []].append(.deleteRecord(reverse, .ptr(name)))
            }
        }
        return byZone.keys.sorted().map { UpdatePlan(zone: $0, operations: byZone[$0]!) }
    }

    private static func byData(_ lhs: ResourceRecord, _ rhs: ResourceRecord) -> Bool {
        lhs.data.description < rhs.data.description
    }
}
