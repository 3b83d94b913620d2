import Agent
import ArgumentParser
import DNSModel
import Foundation
import TestSupport

/// The soak: two agents with a VIP and DNS (arbiter on) left running with 10 heartbeats a second,
/// swapped every so often; each agent's resident memory and open descriptors sampled at every swap,
/// and every swap checked (the roles exchanged, the VIP on the new holder's kernel alone).
struct SoakBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Two agents for minutes with a swap every so often: memory, descriptors and every swap checked."
    )

    @Option(help: "How long to run, in minutes.")
    var minutes = 10.0

    @Option(help: "Seconds between swaps.")
    var swapEvery = 30

    func validate() throws {
        guard minutes > 0, swapEvery >= 1 else { throw ValidationError("--minutes and --swap-every must be positive") }
        guard NetworkLab.canRun else { throw ValidationError("needs root: it creates network namespaces and plumbs addresses") }
    }

    struct Reading {
        var seconds: Int
        var residentKB: [Int]
        var descriptors: [Int]
        var swapClean: Bool
    }

    func run() async throws {
        let vip = try IPAddress("192.0.2.50")
        let (minutes, swapEvery) = (minutes, swapEvery)
        let readings = try await NetworkLab.with(roles: ["client", "a", "b", "dns"]) { lab in
            let placement = DNSServerPlacement.inNamespace(lab["dns"].namespace, address: lab["dns"].ipv4)
            return try await withDNSServer(.bind, placement: placement) { server in
                try await BenchPair.with(lab, sections: [AgentBenchmark.vipSection(vip), AgentBenchmark.dnsSection(server)]) { pair in
                    let observer = FaultObserver(lab: lab, vip: vip, isRunning: pair.isRunning)
                    defer { observer.stop() }
                    var readings: [Reading] = []
                    var overlapsBefore = 0
                    let started = ContinuousClock.now
                    while ContinuousClock.now - started < .seconds(minutes * 60) {
                        try await Task.sleep(for: .seconds(swapEvery))
                        let (active, standby) = try await pair.settled()
                        let reply = try ControlClient.send(ControlRequest(command: .swap), to: pair.control(active))
                        var exchanged = false
                        for _ in 0..<250 where !exchanged {
                            exchanged = (try? await pair.settled()).map { $0 == (standby, active) } ?? false
                            if !exchanged { try await Task.sleep(for: .milliseconds(20)) }
                        }
                        try await Task.sleep(for: .milliseconds(300))
                        let holders = observer.holders
                        let overlaps = observer.overlaps.count
                        var problems: [String] = []
                        if let refused = reply.refused { problems.append("refused: \(refused)") }
                        if !exchanged { problems.append("the roles did not exchange within 5 s") }
                        if holders != [standby] { problems.append("the VIP is on \(holders), not on \(standby) alone") }
                        if overlaps > overlapsBefore { problems.append("both held the VIP") }
                        overlapsBefore = overlaps
                        let clean = problems.isEmpty
                        readings.append(Reading(seconds: Int((ContinuousClock.now - started).components.seconds),
                                                residentKB: ["a", "b"].map { Self.status(pair.pid($0), "VmRSS") },
                                                descriptors: ["a", "b"].map { Self.descriptors(pair.pid($0)) },
                                                swapClean: clean))
                        let last = readings[readings.count - 1]
                        print("\(last.seconds) s: swap \(clean ? "clean" : "NOT CLEAN (\(problems.joined(separator: "; ")))"), resident KB \(last.residentKB), "
                            + "descriptors \(last.descriptors)")
                    }
                    return readings
                }
            }
        }
        guard let first = readings.first, let last = readings.last else { return }
        print("\(readings.count) swaps, \(readings.filter { !$0.swapClean }.count) not clean; "
            + "resident KB from \(first.residentKB) to \(last.residentKB) (max \(readings.map { $0.residentKB.max() ?? 0 }.max() ?? 0)); "
            + "descriptors from \(first.descriptors) to \(last.descriptors)")
        if readings.contains(where: { !$0.swapClean }) || last.descriptors.max()! > first.descriptors.max()! + 2 {
            throw ExitCode.failure
        }
    }

    static func status(_ pid: Int32?, _ key: String) -> Int {
        guard let pid, let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") }
        return line.flatMap { $0.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) } } ?? 0
    }

    static func descriptors(_ pid: Int32?) -> Int {
        guard let pid else { return 0 }
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }
}
