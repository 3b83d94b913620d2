/// Probes of a large table in batches: first the first slot of each key of a batch is loaded, then the
/// keys are probed. A table of a million keys is larger than the caches, so a probe waits for memory;
/// the loads of one batch are independent and short, so the processor has them all in flight at once,
/// and the probes then find their slots in the cache. The loaded values are kept (summed), so that the
/// compiler cannot drop the loads as unused.
struct TableLookahead {
    /// Keys per batch: enough loads in flight to cover the memory's latency.
    static let batch = 8

    private(set) var sum: UInt64 = 0

    mutating func record(_ loaded: some BinaryInteger) { sum &+= UInt64(truncatingIfNeeded: loaded) }

    /// `touch` then `probe` for each index in `0..<count`, batch by batch.
    static func inBatches(_ count: Int, touch: (Int) -> Void, probe: (Int) -> Void) {
        var start = 0
        while start < count {
            let end = min(start + batch, count)
            for index in start..<end { touch(index) }
            for index in start..<end { probe(index) }
            start = end
        }
    }
}
