/// An open-addressing hash table (linear probing) from a key's 64-bit hash to an `Int32`, built for
/// a million keys: each slot holds the hash's high half (the low bits choose the slot) beside the
/// value, so a probe compares integers and the caller's key comparison runs only when they agree.
/// The keys themselves stay where they are (in the records), so the table is 8 bytes a slot.
struct PositionTable: @unchecked Sendable {
    fileprivate struct Slot {
        /// 0 marks an empty slot; stored tags are never 0.
        var tag: UInt32
        var value: Int32
    }

    private let storage: SlotStorage<Slot>
    private let mask: Int
    private var count = 0
    private var touched = TableLookahead()

    /// Room for `capacity` keys at a load of at most one half, so probes stay short.
    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        mask = size - 1
        storage = SlotStorage(count: size, empty: Slot(tag: 0, value: 0))
    }

    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 32) | 1 }

    /// The slot of the key that `isKey` recognises and its value, or the empty slot where the key belongs.
    private func probe(_ hash: UInt64, isKey: (Int32) -> Bool) -> (index: Int, value: Int32?) {
        let slots = storage.slots
        let tag = Self.tag(hash)
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index].tag != 0 {
            if slots[index].tag == tag && isKey(slots[index].value) { return (index, slots[index].value) }
            index = (index + 1) & mask
        }
        return (index, nil)
    }

    /// Loads the first slot of `hash`, so that it is in the cache when the key comes to be probed.
    mutating func touch(_ hash: UInt64) {
        touched.record(storage.slots[Int(truncatingIfNeeded: hash) & mask].tag)
    }

    /// The value under the key that `isKey` recognises, or nil.
    func find(_ hash: UInt64, isKey: (Int32) -> Bool) -> Int32? {
        probe(hash, isKey: isKey).value
    }

    /// Stores `value` under a new key, or returns the value already stored under the key that `isKey`
    /// recognises (and stores nothing).
    mutating func insert(_ value: Int32, hash: UInt64, isKey: (Int32) -> Bool) -> Int32? {
        let (index, found) = probe(hash, isKey: isKey)
        if let found { return found }
        precondition(2 * (count + 1) <= mask + 1, "PositionTable over its capacity")
        storage.slots[index] = Slot(tag: Self.tag(hash), value: value)
        count += 1
        return nil
    }
}

/// The slots of an open-addressing table, allocated once and freed with their owner.
final class SlotStorage<Slot> {
    let slots: UnsafeMutablePointer<Slot>

    init(count: Int, empty: Slot) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: empty, count: count)
    }

    deinit { slots.deallocate() }
}
