import Foundation
import PairSimulation
import Testing

/// A few thousand seeded schedules in CI; `dnsfix-sim --schedules 100000` runs the long proof.
@Suite struct SimulationTests {
    @Test func schedulesKeepTheInvariants() async {
        // On a thread of its own: CPU-bound work on Swift's cooperative pool would starve the tests
        // that wait for named, knotd and dnsfix processes meanwhile.
        let (failures, overlaps) = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var failures: [String] = []
                var overlaps = 0
                for seed in UInt64(1)...2_000 {
                    let outcome = Simulation.run(Schedule.generate(seed: seed))
                    if outcome.longestOverlap > .zero { overlaps += 1 }
                    if let violation = outcome.violations.first { failures.append("seed \(seed): \(violation)") }
                }
                continuation.resume(returning: (failures, overlaps))
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5).joined(separator: "\n"))")
        // The schedules do part the nodes: a generator that never made an overlap would prove nothing.
        #expect(overlaps > 10)
    }

    @Test func theSameSeedGivesTheSameRun() {
        let schedule = Schedule.generate(seed: 42)
        #expect(Simulation.run(schedule, keepLog: true).log == Simulation.run(schedule, keepLog: true).log)
        #expect(Schedule.generate(seed: 42) == schedule)
        #expect(Schedule.generate(seed: 43) != schedule)
    }

    @Test func theCheckerCatchesABrokenPair() {
        // A pair with a fence window longer than the bound it is checked against must be caught:
        // partitioned, the isolated primary keeps the VIP too long.
        var parameters = SimParameters()
        parameters.fence = .seconds(5)
        var schedule = Schedule(seed: 7, parameters: parameters, faults: [
            TimedFault(at: .zero, fault: .restart(0)), TimedFault(at: .zero, fault: .restart(1)),
            TimedFault(at: .seconds(2), fault: .cut(from: 0, to: 1)), TimedFault(at: .seconds(2), fault: .cut(from: 1, to: 0)),
            TimedFault(at: .seconds(2), fault: .dnsCut(0)),
        ])
        schedule.faultPhase = .seconds(10)
        let outcome = Simulation.run(schedule, checkingAgainst: SimParameters())
        #expect(outcome.violations.contains { $0.invariant == .singleHolder })
    }
}
