import ArgumentParser
import Dispatch
import Foundation
import PairSimulation

/// Runs seeded schedules of two simulated nodes and a DNS server with faults, and checks the
/// invariants of the pair. Exits 1 when any schedule violates one.
@main
struct DNSFixSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnsfix-sim",
        abstract: "Prove the pair's invariants over seeded fault schedules.",
        discussion: "A violation prints its seed, the schedule shrunk to the faults that matter, and its trace. Exit 1 on any violation."
    )

    @Option(help: "How many schedules to run.")
    var schedules = 1_000

    @Option(help: "The first seed; schedule i uses seed + i. Give the seed a violation printed to replay it.")
    var seed: UInt64 = 1

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "Print the trace of every schedule run (use with --schedules 1).")
    var trace = false

    func run() throws {
        let started = ContinuousClock.now
        let summary = SimulationSummary.run(schedules: schedules, firstSeed: seed, workers: 2)
        let elapsed = ContinuousClock.now - started
        if trace {
            for line in Simulation.run(Schedule.generate(seed: seed), keepLog: true).log { print(line) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(summary.report(elapsed: elapsed)), as: UTF8.self))
        } else {
            print(summary.text(elapsed: elapsed))
        }
        if !summary.failures.isEmpty { throw ExitCode(1) }
    }
}
