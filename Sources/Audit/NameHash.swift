import DNSModel

/// A fast 64-bit hash of a name's bytes, for the index's own tables. Swift's `Hasher` (SipHash, seeded
/// per process) costs more than the table itself at a million names; a table that stores this hash
/// still compares the names whose hashes agree, so a collision costs a comparison, never a wrong answer.
enum NameHash {
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Names are lower-cased ASCII, so equal names have equal bytes and equal hashes.
    /// An ip6.arpa address name is hashed by its address: a name has one storage (see `DNSName`).
    static func of(_ name: DNSName) -> UInt64 {
        if let (high, low) = name.ip6ReverseWords { return of(high: high, low: low, isV6: true) ^ reverseMark }
        return name.withUTF8(of)
    }

    private static let reverseMark: UInt64 = 0x5EED_0F1F_6A2B_A000

    static func of(_ name: DNSName, type: RecordType) -> UInt64 {
        finish(of(name) ^ UInt64(type.rawValue) &* multiplier)
    }

    static func of(_ address: IPAddress) -> UInt64 {
        let words = address.words
        return of(high: words.high, low: words.low, isV6: address.family == .v6)
    }

    static func of(high: UInt64, low: UInt64, isV6: Bool) -> UInt64 {
        finish((high &* multiplier ^ low) &* multiplier ^ (isV6 ? 6 : 4))
    }

    /// Eight bytes at a time, then the tail, then a final mix (MurmurHash3's finalizer).
    private static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = UInt64(bytes.count) &* multiplier
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ word) &* multiplier
            hash = hash << 29 | hash >> 35
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < bytes.count {
            tail = tail << 8 | UInt64(bytes[offset])
            offset += 1
        }
        return finish(hash ^ tail)
    }

    private static func finish(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}
