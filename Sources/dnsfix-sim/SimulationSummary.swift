import DNSModel
import FailoverCore
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
    /// The longest time both nodes held the VIP, with the arbiter and without it.
    var longestOverlap: [Bool: Duration] = [true: .zero, false: .zero]
    var takeovers: [Duration] = []
    var slowestTakeover: (duration: Duration, seed: UInt64)?

    static func run(schedules: Int, firstSeed: UInt64, workers: Int) -> SimulationSummary {
        let parts = Parallel.map(workers) { worker in
            var part = SimulationSummary()
            for index in stride(from: worker, to: schedules, by: workers) {
                let seed = firstSeed &+ UInt64(index)
                let outcome = Simulation.run(Schedule.generate(seed: seed))
                part.schedules += 1
                part.longestOverlap[outcome.arbiter] = max(part.longestOverlap[outcome.arbiter]!, outcome.longestOverlap)
                part.takeovers += outcome.takeovers
                if let slowest = outcome.takeovers.max(), slowest > part.slowestTakeover?.duration ?? .zero {
                    part.slowestTakeover = (slowest, seed)
                }
                if let violation = outcome.violations.first { part.failures.append(Failure(seed: seed, violation: violation)) }
            }
            return part
        }
        var total = SimulationSummary()
        for part in parts {
            total.schedules += part.schedules
            total.failures += part.failures
            for arbiter in [true, false] {
                total.longestOverlap[arbiter] = max(total.longestOverlap[arbiter]!, part.longestOverlap[arbiter]!)
            }
            total.takeovers += part.takeovers
            if let slowest = part.slowestTakeover, slowest.duration > total.slowestTakeover?.duration ?? .zero {
                total.slowestTakeover = slowest
            }
        }
        total.failures.sort { $0.seed < $1.seed }
        return total
    }

    var median: Duration? {
        takeovers.isEmpty ? nil : takeovers.sorted()[takeovers.count / 2]
    }

    func text(elapsed: Duration) -> String {
        var lines = ["schedules: \(schedules)", "violations: \(failures.count)",
                     "longest overlap after a partition: \(longestOverlap[true]!.milliseconds) ms with the arbiter, "
                        + "\(longestOverlap[false]!.milliseconds) ms without",
                     "takeovers after a crash: \(takeovers.count), median \(median.map { "\($0.milliseconds) ms" } ?? "-"), slowest "
                        + (slowestTakeover.map { "\($0.duration.milliseconds) ms (seed \($0.seed))" } ?? "-"),
                     "time: \(elapsed.milliseconds) ms"]
        for failure in failures.prefix(10) { lines.append("seed \(failure.seed): \(failure.violation)") }
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
        var longestOverlapWithArbiterMilliseconds: Int64
        var longestOverlapWithoutArbiterMilliseconds: Int64
        var takeovers: Int
        var medianTakeoverMilliseconds: Int64?
        var slowestTakeoverMilliseconds: Int64?
        var elapsedMilliseconds: Int64
    }

    func report(elapsed: Duration) -> Report {
        Report(schedules: schedules, violations: failures.count, firstViolationSeed: failures.first?.seed,
               firstViolation: failures.first.map { "\($0.violation)" },
               longestOverlapWithArbiterMilliseconds: longestOverlap[true]!.milliseconds,
               longestOverlapWithoutArbiterMilliseconds: longestOverlap[false]!.milliseconds,
               takeovers: takeovers.count, medianTakeoverMilliseconds: median.map(\.milliseconds),
               slowestTakeoverMilliseconds: slowestTakeover.map { $0.duration.milliseconds },
               elapsedMilliseconds: elapsed.milliseconds)
    }
}
