import Agent
import Foundation
import TestSupport

/// Two real `dnsfix agent` processes with a config and keys in a temp directory; stopped by PID
/// (SIGTERM, then SIGKILL) whatever the test does.
final class AgentHarness: @unchecked Sendable {
    let directory: String
    private(set) var agents: [String: BackgroundProcess] = [:]
    private let namespaces: [String: String]

    /// `namespaces`: the network namespace each node runs in (none: this one).
    init(config: String, namespaces: [String: String] = [:], keys: [String: String] = [:]) throws {
        directory = NSTemporaryDirectory() + "dnsfix-agents-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try config.write(toFile: directory + "/dnsfix.toml", atomically: true, encoding: .utf8)
        try Self.key(0x11).write(toFile: directory + "/pair.key", atomically: true, encoding: .utf8)
        for (name, fill) in keys { try fill.write(toFile: directory + "/\(name).key", atomically: true, encoding: .utf8) }
        self.namespaces = namespaces
    }

    static func key(_ byte: UInt8) -> String {
        Data(repeating: byte, count: 32).base64EncodedString() + "\n"
    }

    func control(_ node: String) -> String { directory + "/\(node).sock" }

    /// `environment`: variables set for the agent alone (through `env`, which execs it: the PID stays the agent's).
    /// Returns once the agent answers and has started from a clean slate (at most 5 s), so that of two
    /// agents started one after the other the first is a candidate when the second starts.
    func start(_ node: String, config: String = "dnsfix.toml", environment: [String: String] = [:]) async throws {
        var command = [ProjectPaths.product("dnsfix"), "agent", "--config", directory + "/" + config, "--node", node,
                       "--control", control(node), "--log-level", "debug"]
        if !environment.isEmpty { command = ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + command }
        if let namespace = namespaces[node] { command = ["ip", "netns", "exec", namespace] + command }
        let agent = try await BackgroundProcess.start(command[0], Array(command.dropFirst()), log: directory + "/\(node).log")
        agents[node] = agent
        _ = await waitUntil(seconds: 5) {
            guard !agent.hasExited else { return true }
            return status(node)?.isCandidate == true
        }
    }

    func kill(_ node: String) async {
        agents[node]?.signal(SIGKILL)
        _ = await agents[node]?.waitForExit(seconds: 5)
    }

    func status(_ node: String) -> AgentStatus? {
        try? ControlClient.send(ControlRequest(command: .status), to: control(node), timeout: 2).status
    }

    func command(_ node: String, _ command: ControlRequest.Command) throws -> ControlReply {
        try ControlClient.send(ControlRequest(command: command), to: control(node))
    }

    /// Polls every 50 ms until `condition` holds, for at most `seconds`.
    func waitUntil(seconds: Double = 5, _ condition: () async throws -> Bool) async rethrows -> Bool {
        try await eventually(seconds: seconds, condition)
    }

    func state(_ node: String) -> String? { status(node)?.state }

    func logs() -> String {
        agents.keys.sorted().map { node in
            "--- \(node).log\n" + ((try? String(contentsOfFile: directory + "/\(node).log", encoding: .utf8)) ?? "")
                .split(separator: "\n").suffix(40).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    func stopAll() async {
        for agent in agents.values { await agent.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` with the harness and stops every agent afterwards, also when `body` throws.
func withAgents<T>(config: String, namespaces: [String: String] = [:], keys: [String: String] = [:],
                   _ body: (AgentHarness) async throws -> T) async throws -> T {
    let harness = try AgentHarness(config: config, namespaces: namespaces, keys: keys)
    do {
        let result = try await body(harness)
        await harness.stopAll()
        return result
    } catch {
        await harness.stopAll()
        throw error
    }
}
