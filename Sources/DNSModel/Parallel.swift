import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work split over the cores, each result in its own slot: the one way the package runs pieces of
/// work at once (zone files, their parts, the audit's tables).
///
/// Not `DispatchQueue.concurrentPerform`: libdispatch runs a concurrentPerform called from inside
/// another one on the calling thread alone, and a zone file's parts are read from inside the
/// reading of several files. Here each call has its own threads (serial queues, which libdispatch
/// never leaves waiting for a thread) and waits only for them, so calls nest without losing a core.
package enum Parallel {
    /// The cores this process may use.
    package static let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// `body` of each index in `0..<count` on up to `cores` threads; the results in index order.
    package static func map<Value>(_ count: Int, _ body: @Sendable (Int) -> Value) -> [Value] {
        let results = Slots<Value>(count: count)
        let indices = IndexDispenser(count: count)
        withoutActuallyEscaping(body) { body in
            let work: @Sendable () -> Void = {
                while let index = indices.next() { results.set(index, body(index)) }
            }
            let group = DispatchGroup()
            for _ in 1..<max(1, min(count, cores)) {
                DispatchQueue(label: "dnsfix.parallel").async(group: group, execute: work)
            }
            work()
            group.wait()
        }
        return results.all
    }

    /// Two independent pieces of work, one core each.
    package static func both<First, Second>(_ first: @Sendable () -> First,
                                            _ second: @Sendable () -> Second) -> (First, Second) {
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let firsts = Slots<First>(count: 1)
                let group = DispatchGroup()
                DispatchQueue(label: "dnsfix.parallel").async(group: group) { firsts.set(0, first()) }
                let secondResult = second()
                group.wait()
                return (firsts.all[0], secondResult)
            }
        }
    }
}

/// One slot per index, each written by one worker only and read after the workers are done (the
/// group's wait orders the writes before the reads), so no lock is needed.
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

/// Hands out 0, 1, 2, … below a count, once each, to whichever worker asks.
private final class IndexDispenser: @unchecked Sendable {
    private let count: Int
    private var taken = 0
    private let queue = DispatchQueue(label: "dnsfix.parallel.indices")

    init(count: Int) { self.count = count }

    func next() -> Int? {
        queue.sync {
            guard taken < count else { return nil }
            taken += 1
            return taken - 1
        }
    }
}
