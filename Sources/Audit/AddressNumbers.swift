import DNSModel

/// Numbers the distinct addresses of an audit 0, 1, 2, … in the order first seen: an open-addressing
/// hash table (linear probing) that holds each address whole beside its number, so that a probe never
/// has to look elsewhere to compare (half the records of a large audit are a PTR whose address an
/// A or AAAA record has already numbered).
struct AddressNumbers: @unchecked Sendable {
    fileprivate struct Slot {
        var high: UInt64
        var low: UInt64
        /// The number plus one (0 marks an empty slot), with the top bit set for IPv6.
        var tag: UInt32
    }

    private static let v6Bit: UInt32 = 1 << 31
    private var storage: SlotStorage<Slot>
    private var mask: Int
    private(set) var count = 0
    private var touched = TableLookahead()

    /// Room for `capacity` distinct addresses at a load of at most one half; the table doubles when
    /// more come.
    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        mask = size - 1
        storage = SlotStorage(count: size, empty: Slot(high: 0, low: 0, tag: 0))
    }

    private static func family(_ address: IPAddress) -> UInt32 { address.family == .v6 ? v6Bit : 0 }

    private static func hash(_ slot: Slot) -> UInt64 {
        NameHash.of(high: slot.high, low: slot.low, isV6: slot.tag & v6Bit != 0)
    }

    /// Twice the slots, each address moved to its place in them.
    private mutating func grow() {
        let old = storage, oldSize = mask + 1
        mask = 2 * oldSize - 1
        storage = SlotStorage(count: 2 * oldSize, empty: Slot(high: 0, low: 0, tag: 0))
        for index in 0..<oldSize where old.slots[index].tag != 0 {
            var place = Int(truncatingIfNeeded: Self.hash(old.slots[index])) & mask
            while storage.slots[place].tag != 0 { place = (place + 1) & mask }
            storage.slots[place] = old.slots[index]
        }
    }

    /// The slot of the address and its number, or the empty slot where the address belongs.
    private func probe(_ address: IPAddress) -> (index: Int, number: Int?) {
        let (high, low) = address.words
        let family = Self.family(address)
        let slots = storage.slots
        var index = Int(truncatingIfNeeded: NameHash.of(address)) & mask
        while slots[index].tag != 0 {
            let slot = slots[index]
            if slot.low == low && slot.high == high && slot.tag & Self.v6Bit == family { return (index, Int(slot.tag & ~Self.v6Bit) - 1) }
            index = (index + 1) & mask
        }
        return (index, nil)
    }

    /// Loads the address's first slot, so that it is in the cache when the address comes to be numbered.
    mutating func touch(_ address: IPAddress) {
        touched.record(storage.slots[Int(truncatingIfNeeded: NameHash.of(address)) & mask].tag)
    }

    /// The address's number, numbering it first when it is new.
    mutating func number(of address: IPAddress) -> Int {
        let (index, found) = probe(address)
        if let found { return found }
        precondition(count + 1 < Int(Self.v6Bit) - 1, "more addresses than an audit can number")
        if 2 * (count + 1) > mask + 1 {
            grow()
            return number(of: address)
        }
        count += 1
        let (high, low) = address.words
        storage.slots[index] = Slot(high: high, low: low, tag: UInt32(count) | Self.family(address))
        return count - 1
    }

    /// The address's number, or nil when it was never numbered.
    func find(_ address: IPAddress) -> Int? { probe(address).number }
}
