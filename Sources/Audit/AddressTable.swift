import DNSModel

/// Per address, its A/AAAA records (owners) and its PTR records (pointers), by position. Each address
/// has one slot holding its first owner and first pointer side by side, so that the pointer checks
/// are one pass over one array; `moreOwners` and `morePointers` hold the rest where there are more.
struct AddressTable {
    typealias Position = RecordPositions.Position

    struct Slot {
        var owner: Position = -1
        var pointer: Position = -1
        var severalOwners = false
        var severalPointers = false
    }

    /// Each address once, in the order first seen, beside its slot.
    let addresses: [IPAddress]
    let slots: [Slot]
    private let numbers: AddressNumbers
    let moreOwners: [IPAddress: [Position]]
    let morePointers: [IPAddress: [Position]]

    /// - Parameters:
    ///   - mentions: each zone's `ZoneDigest.mentions`, in zone order.
    ///   - zoneStarts: the position of each zone's first record.
    init(mentions: [[ZoneDigest.AddressMention]], zoneStarts: [Int]) {
        // The addresses were found beforehand, so they are numbered in batches (see `TableLookahead`).
        // Most addresses have an owner and a pointer; the table grows where they do not.
        let expected = mentions.reduce(0) { $0 + $1.count } / 2
        var numbers = AddressNumbers(capacity: expected)
        var addresses: [IPAddress] = []
        var slots: [Slot] = []
        addresses.reserveCapacity(expected)
        slots.reserveCapacity(expected)
        var moreOwners: [IPAddress: [Position]] = [:]
        var morePointers: [IPAddress: [Position]] = [:]
        for (zoneMentions, start) in zip(mentions, zoneStarts) {
            TableLookahead.inBatches(zoneMentions.count) { index in
                numbers.touch(zoneMentions[index].address)
            } probe: { index in
                let mention = zoneMentions[index]
                let number = numbers.number(of: mention.address)
                if number == slots.count {
                    addresses.append(mention.address)
                    slots.append(Slot())
                }
                let position = Position(start) + mention.position
                if mention.isPointer {
                    if !slots[number].takePointer(position) { morePointers[mention.address, default: []].append(position) }
                } else {
                    if !slots[number].takeOwner(position) { moreOwners[mention.address, default: []].append(position) }
                }
            }
        }
        self.numbers = numbers
        self.addresses = addresses
        self.slots = slots
        self.moreOwners = moreOwners
        self.morePointers = morePointers
    }

    func slot(of address: IPAddress) -> Slot? { numbers.find(address).map { slots[$0] } }
}

extension AddressTable.Slot {
    /// Records the owner; false when the slot had one already (the caller keeps the rest).
    mutating func takeOwner(_ position: AddressTable.Position) -> Bool {
        guard owner < 0 else { severalOwners = true; return false }
        owner = position
        return true
    }

    mutating func takePointer(_ position: AddressTable.Position) -> Bool {
        guard pointer < 0 else { severalPointers = true; return false }
        pointer = position
        return true
    }
}
