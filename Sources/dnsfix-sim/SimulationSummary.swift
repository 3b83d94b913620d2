import Dispatch
import Foundation
import PairSimulation

/// The outcome of many schedules, gathered from parallel workers.
struct SimulationSummary {
    struct Failure {
        var seed: UInt64
        var violation: Violation
    }

    var schedules = 0
    var failures: [Failure] = []
    var longestOverlap: Duration = .zero
    var takeovers: [Duration] = []

    static func run(schedules: Int, firstSeed: UInt64, workers: Int) -> SimulationSummary {
        let parts = ResultSlots<SimulationSummary>(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var part = SimulationSummary()
            for index in stride(from: worker, to: schedules, by: workers) {
                let seed = firstSeed &+ UInt64(index)
                let outcome = Simulation.run(Schedule.generate(seed: seed))
                part.schedules += 1
                part.longestOverlap = max(part.longestOverlap, outcome.longestOverlap)
                part.takeovers += outcome.takeovers
                if let violation = outcome.violations.first { part.failures.append(Failure(seed: seed, violation: violation)) }
            }
            parts[worker] = part
        }
        var total = SimulationSummary()
        for part in parts.values {
            total.schedules += part.schedules
            total.failures += part.failures
            total.longestOverlap = max(total.longestOverlap, part.longestOverlap)
            total.takeovers += part.takeovers
        }
        total.failures.sort { $0.seed < $1.seed }
        return total
    }

    func text(elapsed: Duration) -> String {
        var lines = ["schedules: \(schedules)", "violations: \(failures.count)",
                     "longest overlap after a partition: \(ms(longestOverlap)) ms",
                     "takeovers after a crash: \(takeovers.count), slowest \(takeovers.max().map { "\(ms($0)) ms" } ?? "-")",
                     "time: \(ms(elapsed)) ms"]
        if let first = failures.first {
            let schedule = Simulation.shrink(Schedule.generate(seed: first.seed))
            let outcome = Simulation.run(schedule, keepLog: true)
            lines.append("")
            lines.append("first violation, seed \(first.seed): \(first.violation)")
            lines.append("replay: swift run -c release dnsfix-sim --schedules 1 --seed \(first.seed) --trace")
            lines.append("shortest schedule (\(schedule.parameters)): " + schedule.faults.map(\.description).joined(separator: "; "))
            lines.append("its violation: " + (outcome.violations.first.map { "\($0)" } ?? "none after shrinking"))
            lines += outcome.log.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    struct Report: Encodable {
        var schedules: Int
        var violations: Int
        var firstViolationSeed: UInt64?
        var firstViolation: String?
        var longestOverlapMilliseconds: Int64
        var takeovers: Int
        var slowestTakeoverMilliseconds: Int64?
        var elapsedMilliseconds: Int64
    }

    func report(elapsed: Duration) -> Report {
        Report(schedules: schedules, violations: failures.count, firstViolationSeed: failures.first?.seed,
               firstViolation: failures.first.map { "\($0.violation)" }, longestOverlapMilliseconds: ms(longestOverlap),
               takeovers: takeovers.count, slowestTakeoverMilliseconds: takeovers.max().map(ms),
               elapsedMilliseconds: ms(elapsed))
    }
}

private func ms(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
}

/// One slot per worker, each written by exactly one worker of concurrentPerform.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { lock.withLock { slots[index] } }
        set { lock.withLock { slots[index] = newValue } }
    }

    var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}
