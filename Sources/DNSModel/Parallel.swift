import Dispatch

/// Work split over the cores with `DispatchQueue.concurrentPerform`, each result in its own slot: the
/// one way the package runs pieces of work at once (zone files, their parts, the audit's tables).
package enum Parallel {
    /// `body` of each index in `0..<count`, on as many cores as there are; the results in index order.
    package static func map<Value>(_ count: Int, _ body: @Sendable (Int) -> Value) -> [Value] {
        let results = Slots<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in results.set(index, body(index)) }
        return results.all
    }

    /// Two independent pieces of work, one core each.
    package static func both<First, Second>(_ first: @Sendable () -> First,
                                            _ second: @Sendable () -> Second) -> (First, Second) {
        let firsts = Slots<First>(count: 1)
        let seconds = Slots<Second>(count: 1)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 { firsts.set(0, first()) } else { seconds.set(0, second()) }
        }
        return (firsts.all[0], seconds.all[0])
    }
}

/// One slot per worker, each written by its worker only and read after concurrentPerform returns
/// (which orders the writes before the reads), so no lock is needed.
private final class Slots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ value: Value) { slots[index] = value }

    var all: [Value] { slots.map { $0! } }
}
