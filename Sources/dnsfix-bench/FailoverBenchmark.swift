import Agent
import ArgumentParser
import DNSModel
import Foundation
import TestSupport
import VIPControl

/// dnsfix beside keepalived on the same bed (a client, nodes a and b, named), measured the same
/// way: a crash of the active node's daemon (kill -9) and a planned switchover, as the kernels, the
/// client's packet socket and the client's tries on the VIP see them; then each daemon at rest.
struct FailoverBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Failover and switchover of dnsfix against keepalived on the same namespaces bed, with ratios.",
        discussion: """
            dnsfix with its defaults (100 ms heartbeats, dead_after 3, the DNS arbiter); keepalived (Debian's \
            package, VRRPv3 unicast) with 100 ms advertisements and with its default of 1 s. A crash is kill -9 \
            of the active node's daemon (keepalived's parent and VRRP child); a switchover is dnsfix swap, and \
            for keepalived SIGTERM of the master (it sends a priority-0 advertisement). Needs root and keepalived.
            """
    )

    @Option(help: "Crashes and switchovers to time for each contender.")
    var runs = 20

    @Option(help: "Seconds over which each daemon's CPU and memory at rest are measured.")
    var restSeconds = 10

    func validate() throws {
        guard runs >= 1, restSeconds >= 1 else { throw ValidationError("--runs and --rest-seconds must be at least 1") }
        guard NetworkLab.canRun else { throw ValidationError("needs root: it creates network namespaces and plumbs addresses") }
        guard (try? findExecutable("keepalived")) != nil else { throw ValidationError("keepalived is not installed (scripts/setup installs it)") }
    }

    /// One contender's figures.
    struct Results {
        let name: String
        var crash: [String: Measurement] = [:]
        var switchover: [String: Measurement] = [:]
        var resting: RestingUsage?
    }

    static let plumbed = "VIP plumbed on the new holder", announced = "first announcement heard by the client",
               served = "client served again (TCP)", detected = "failure detected (taking over)", owner = "owner record names it"

    func run() async throws {
        let vip = try IPAddress("192.0.2.50")
        let (runs, restSeconds) = (runs, restSeconds)
        let results = try await Bed.with(vip: vip) { bed in
            var all = [try await Self.dnsfix(bed, runs: runs, restSeconds: restSeconds)]
            for interval in [0.1, 1.0] {
                all.append(try await Self.keepalived(bed, advertInterval: interval, runs: runs, restSeconds: restSeconds))
            }
            return all
        }
        Self.report(results, runs: runs, restSeconds: restSeconds)
    }
}

extension Bed {
    /// Records when the new holder's kernel had the VIP, the client heard it, and the client was served.
    func record(_ event: ContinuousClock.Instant, newHolder: String, observer: FaultObserver,
                into measurements: inout [String: Measurement]) async throws {
        for _ in 0..<1000 where observer.firstServed(by: newHolder, after: event) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        guard let served = observer.firstServed(by: newHolder, after: event),
              let plumbed = observer.firstHold(newHolder, after: event) else {
            throw TimelineError("\(newHolder) did not serve the client within 10 s of the event; the VIP is on \(observer.holders)")
        }
        let announced = try heard.first(after: event, from: macs[newHolder], seconds: 1)
        measurements[FailoverBenchmark.plumbed, default: Measurement(method: FailoverBenchmark.plumbed)].record(plumbed - event)
        measurements[FailoverBenchmark.announced, default: Measurement(method: FailoverBenchmark.announced)].record(announced - event)
        measurements[FailoverBenchmark.served, default: Measurement(method: FailoverBenchmark.served)].record(served - event)
    }
}

extension FailoverBenchmark {
    static func dnsfix(_ bed: Bed, runs: Int, restSeconds: Int) async throws -> Results {
        let server = bed.server
        var results = Results(name: "dnsfix (defaults, arbiter)")
        try await BenchPair.with(bed.lab, sections: [AgentBenchmark.vipSection(bed.vip), AgentBenchmark.dnsSection(server)]) { pair in
            let observer = FaultObserver(lab: bed.lab, vip: bed.vip, isRunning: pair.isRunning)
            defer { observer.stop() }
            let primary = PrimaryWatch(lab: bed.lab, server: server)
            for _ in 0..<runs {
                let (active, standby) = try await pair.settled()
                try await Task.sleep(for: .milliseconds(200))
                let crashed = ContinuousClock.now
                async let named = primary.firstTime(seconds: 5) { primary.owner()?.hasPrefix("node=\(standby) ") == true }
                await pair.kill(active)
                let detectedAt = try await pair.firstTime(seconds: 5) {
                    let status = pair.status(standby)
                    return status?.takingOver == true || status?.state == "ALONE"
                }
                try await bed.record(crashed, newHolder: standby, observer: observer, into: &results.crash)
                results.crash[Self.detected, default: Measurement(method: Self.detected)].record(detectedAt - crashed)
                results.crash[Self.owner, default: Measurement(method: Self.owner)].record(try await named - crashed)
                try await pair.restart(active)
            }
            for _ in 0..<runs {
                let (active, standby) = try await pair.settled()
                try await Task.sleep(for: .milliseconds(200))
                let asked = ContinuousClock.now
                let reply = try ControlClient.send(ControlRequest(command: .swap), to: pair.control(active))
                if let refused = reply.refused { throw TimelineError("dnsfix swap was refused: \(refused)") }
                try await bed.record(asked, newHolder: standby, observer: observer, into: &results.switchover)
            }
            let (active, _) = try await pair.settled()
            results.resting = try await RestingUsage.measure(pids: [pair.pid(active)].compactMap { $0 }, seconds: restSeconds)
        }
        return results
    }

    static func keepalived(_ bed: Bed, advertInterval: Double, runs: Int, restSeconds: Int) async throws -> Results {
        var results = Results(name: "keepalived (advert_int \(advertInterval == 1 ? "1 s, default" : "100 ms"))")
        try await KeepalivedPair.with(bed.lab, config: { node, pair in keepalivedConfig(node, lab: pair.lab, advertInterval: advertInterval) }) { pair in
            let observer = FaultObserver(lab: bed.lab, vip: bed.vip) { _ in true }
            defer { observer.stop() }
            // Node a has the higher priority and preempts: at rest it is the master.
            func settled() async throws -> String {
                for _ in 0..<300 {
                    if observer.holders == ["a"] {
                        try await Task.sleep(for: .milliseconds(Int(advertInterval * 3000) + 300))
                        if observer.holders == ["a"] { return "a" }
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                throw TimelineError("keepalived did not settle with node a as master")
            }
            for _ in 0..<runs {
                let active = try await settled()
                let crashed = ContinuousClock.now
                await pair.kill(active)
                try await bed.record(crashed, newHolder: active == "a" ? "b" : "a", observer: observer, into: &results.crash)
                // What kill -9 leaves: the VIP on the dead node's interface; it goes before the restart.
                try await NetworkLab.ip(["-n", bed.lab[active].namespace, "addr", "flush", "dev", "eth1", "to", "192.0.2.50/32"])
                try await pair.start(active)
            }
            for _ in 0..<runs {
                let active = try await settled()
                let asked = ContinuousClock.now
                await pair.terminate(active)
                try await bed.record(asked, newHolder: active == "a" ? "b" : "a", observer: observer, into: &results.switchover)
                try await pair.start(active)
            }
            let active = try await settled()
            results.resting = try await RestingUsage.measure(pids: pair.pids(active), seconds: restSeconds)
        }
        return results
    }

    /// VRRPv3 over unicast between the nodes' addresses, node a with the higher priority; advert_int
    /// in seconds (keepalived's default is 1).
    static func keepalivedConfig(_ node: String, lab: NetworkLab, advertInterval: Double) -> String {
        let peer = node == "a" ? "b" : "a"
        return """
            global_defs {
              router_id \(node)
              vrrp_version 3
            }
            vrrp_instance VI {
              state BACKUP
              interface eth1
              virtual_router_id 51
              priority \(node == "a" ? 101 : 100)
              advert_int \(advertInterval)
              unicast_src_ip \(lab[node].ipv4)
              unicast_peer {
                \(lab[peer].ipv4)
              }
              virtual_ipaddress {
                192.0.2.50/32 dev eth1
              }
            }
            """
    }

    static func report(_ results: [Results], runs: Int, restSeconds: Int) {
        guard let ours = results.first else { return }
        func table(_ title: String, _ pick: (Results) -> [String: Measurement], rows: [String]) {
            print("\n\(title) (\(runs) runs each; p50 / p95 in ms; ratio: the other's p50 over dnsfix's)")
            print(Table.pad("", 42) + results.map { Table.pad($0.name, 34) }.joined())
            for row in rows {
                var line = Table.pad(row, 42)
                for result in results {
                    guard let measurement = pick(result)[row] else { line += Table.pad("n/a", 34); continue }
                    var cell = Table.format(measurement.milliseconds(50), 1) + " / " + Table.format(measurement.milliseconds(95), 1)
                    if result.name != ours.name, let base = pick(ours)[row], base.milliseconds(50) > 0 {
                        cell += "  (\(Table.format(measurement.milliseconds(50) / base.milliseconds(50), 1))×)"
                    }
                    line += Table.pad(cell, 34)
                }
                print(line)
            }
        }
        table("crash of the active node's daemon (kill -9)", \.crash, rows: [Self.detected, Self.owner, Self.plumbed, Self.announced, Self.served])
        table("planned switchover (dnsfix swap; keepalived: SIGTERM of the master)", \.switchover,
              rows: [Self.plumbed, Self.announced, Self.served])
        print("\nat rest over \(restSeconds) s (the active node's daemon; keepalived: parent and VRRP child)")
        for result in results {
            guard let usage = result.resting else { continue }
            print(Table.pad(result.name, 42) + "\(Table.format(usage.cpuPercent, 2)) % of a core, "
                + "\(Table.format(usage.residentMB, 1)) MB resident (\(Table.format(usage.anonymousMB, 1)) MB its own)")
        }
        if let served = ours.crash[Self.served] {
            print("\ntarget kill -9 → client served again ≤ 300 ms median: \(served.milliseconds(50) <= 300 ? "met" : "missed") "
                + "(\(Table.format(served.milliseconds(50), 1)) ms)")
        }
    }
}
