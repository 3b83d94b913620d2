import Dispatch
import Foundation

/// Work split over the cores with `DispatchQueue.concurrentPerform`, each result in its own slot.
public enum Parallel {
    /// `body` of each index in `0..<count`, on as many cores as there are; the results in index order.
    public static func map<Value>(_ count: Int, _ body: @Sendable (Int) -> Value) -> [Value] {
        let results = Slots<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in results.set(index, body(index)) }
        return results.all
    }

    /// Two independent pieces of work, one core each.
    public static func both<First, Second>(_ first: @Sendable () -> First, _ second: @Sendable () -> Second) -> (First, Second) {
        let firsts = Slots<First>(count: 1)
        let seconds = Slots<Second>(count: 1)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 { firsts.set(0, first()) } else { seconds.set(0, second()) }
        }
        return (firsts.all[0], seconds.all[0])
    }
}

/// One slot per worker, each written by its worker and read after concurrentPerform returns.
private final class Slots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }

    var all: [Value] { lock.withLock { slots.map { $0! } } }
}
