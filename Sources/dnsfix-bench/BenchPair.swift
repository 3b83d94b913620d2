import Agent
import ArgumentParser
import Foundation
import Synchronization
import TestSupport

/// The two agents of the benchmarks: started with `ip netns exec`, killed and stopped by PID.
final class BenchPair: @unchecked Sendable {
    let directory: String
    let lab: NetworkLab
    private var agents: [String: BackgroundProcess] = [:]
    /// Set by a caller that found something wrong: the agents' config and logs then stay.
    var keepLogs = false
    private let running = Mutex<Set<String>>([])

    private init(directory: String, lab: NetworkLab) {
        self.directory = directory
        self.lab = lab
    }

    /// Starts agents a and b with 100 ms heartbeats, dead_after 3 and the config `sections` ([vip],
    /// [dns]), runs `body`, and stops them, also when `body` throws.
    static func with<T>(_ lab: NetworkLab, sections: [String], _ body: (BenchPair) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "dnsfix-bench-agents-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pair = BenchPair(directory: directory, lab: lab)
        do {
            try (Data(repeating: 0x5a, count: 32).base64EncodedString() + "\n")
                .write(toFile: directory + "/pair.key", atomically: true, encoding: .utf8)
            try pair.writeConfig("dnsfix.toml", sections: sections)
            try await pair.restart("a")
            await pair.untilCandidate("a")
            try await pair.restart("b")
            let result = try await body(pair)
            await pair.stop(keepingLogs: pair.keepLogs)
            return result
        } catch {
            // The agents' logs explain the failure: they stay.
            await pair.stop(keepingLogs: true)
            FileHandle.standardError.write(Data("the agents' config and logs are kept in \(directory)\n".utf8))
            throw error
        }
    }

    /// Writes a config file beside the pair's own: the [pair] section, then `sections`.
    func writeConfig(_ name: String, sections: [String], pairExtra: String = "") throws {
        try ([
            """
            [pair]
            name = "app"
            nodes = [ { name = "a", address = "\(lab["a"].ipv4)" }, { name = "b", address = "\(lab["b"].ipv4)" } ]
            heartbeat = { interval = "100ms", dead_after = 3, key_file = "pair.key" }
            \(pairExtra)
            """,
        ] + sections).joined(separator: "\n\n").write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    func control(_ node: String) -> String { directory + "/\(node).sock" }

    /// Whether the node's agent runs: started, not killed, and not frozen by SIGSTOP (a frozen agent,
    /// like a killed one, can do nothing about the VIP its kernel holds: that is what fencing is for).
    func isRunning(_ node: String) -> Bool { running.withLock { $0.contains(node) } }

    func signal(_ node: String, _ number: Int32) {
        agents[node]?.signal(number)
        if number == SIGSTOP { running.withLock { _ = $0.remove(node) } }
        if number == SIGCONT { running.withLock { _ = $0.insert(node) } }
    }

    /// The agent's PID (`ip netns exec` execs the agent in its own process).
    func pid(_ node: String) -> Int32? { agents[node]?.pid }

    /// Starts (or starts again) a node's agent, with the pair's config or another written beside it.
    func restart(_ node: String, config: String = "dnsfix.toml") async throws {
        let command = ["netns", "exec", lab[node].namespace, ProjectPaths.product("dnsfix"), "agent", "--config",
                       directory + "/" + config, "--node", node, "--control", control(node), "--log-level", "notice"]
        agents[node] = try await BackgroundProcess.start("ip", command, log: directory + "/\(node).log")
        running.withLock { _ = $0.insert(node) }
    }

    /// Until the node's agent answers and has started from a clean slate (at most 5 s): started
    /// first, it is then the election's candidate when its peer starts.
    func untilCandidate(_ node: String) async {
        for _ in 0..<100 {
            if status(node)?.isCandidate == true { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The last lines each agent logged (one per transition, with its reason), for a failure report.
    func logTails(lines: Int = 25) -> String {
        ["a", "b"].map { node in
            let log = (try? String(contentsOfFile: directory + "/\(node).log", encoding: .utf8)) ?? ""
            return "--- \(node).log\n" + log.split(separator: "\n").suffix(lines).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    func kill(_ node: String) async {
        agents[node]?.signal(SIGKILL)
        _ = await agents[node]?.waitForExit(seconds: 5)
        running.withLock { _ = $0.remove(node) }
    }

    func status(_ node: String) -> AgentStatus? {
        try? ControlClient.send(ControlRequest(command: .status), to: control(node), timeout: 1).status
    }

    /// Waits (at most `seconds`) until one node is PRIM and the other SECOND, and has stayed so for
    /// `stable` seconds (a pair still shaken by a fault may swap once more); returns (active, standby).
    func settled(seconds: Double = 10, stable: Double = 0) async throws -> (String, String) {
        var since: (pair: (String, String), at: ContinuousClock.Instant)?
        for _ in 0..<Int(seconds * 20) {
            let states = ["a", "b"].map { status($0)?.state }
            let pair: (String, String)? = states == ["PRIM", "SECOND"] ? ("a", "b") : states == ["SECOND", "PRIM"] ? ("b", "a") : nil
            if let pair {
                if let held = since, held.pair == pair {
                    if ContinuousClock.now - held.at >= .seconds(stable) { return pair }
                } else {
                    since = (pair, ContinuousClock.now)
                    if stable == 0 { return pair }
                }
            } else {
                since = nil
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("the pair did not settle within \(seconds) s; logs in \(directory)")
    }

    /// When `condition` first held, asking every 5 ms for at most `seconds`.
    func firstTime(seconds: Double, _ condition: () -> Bool) async throws -> ContinuousClock.Instant {
        for _ in 0..<Int(seconds * 200) {
            if condition() { return ContinuousClock.now }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ValidationError("the awaited state did not come within \(seconds) s; logs in \(directory)")
    }

    /// Cuts a node off from `addresses` (blackhole routes in its namespace), or restores it.
    func isolate(_ node: String, from addresses: [String], undo: Bool = false) async throws {
        for address in addresses {
            try await NetworkLab.ip(["-n", lab[node].namespace, "route", undo ? "del" : "add", "blackhole", address + "/32"])
        }
    }

    /// Runs in a task of its own, so that the agents are stopped also when the benchmark was cancelled.
    func stop(keepingLogs: Bool = false) async {
        let agents = Array(agents.values)
        await Task { for agent in agents { await agent.stop() } }.value
        if !keepingLogs { try? FileManager.default.removeItem(atPath: directory) }
    }
}
