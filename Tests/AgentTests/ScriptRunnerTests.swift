import ConfigFile
import FailoverCore
import Foundation
import Logging
import Testing
import TestSupport
@testable import Agent

/// The restart scripts run for real: no shell between, their environment, their exit status, the
/// timeout that kills them, one at a time in order.
@Suite struct ScriptRunnerTests {
    static func runner(directory: String, report: @escaping @Sendable (Event) -> Void) throws -> ScriptRunner {
        let config = try ConfigLoader.load(text: """
            [pair]
            name = "app"
            nodes = [ { name = "node-a", address = "192.0.2.11" }, { name = "node-b", address = "192.0.2.12" } ]
            [vip]
            addresses = ["192.0.2.50"]
            topology = [ { subnet = "192.0.2.0/24", interface = "eth1" } ]
            [scripts]
            directory = "\(directory)"
            timeout = "3s"
            """, file: "dnsfix.toml")
        let plan = try AgentPlan(config: config, node: try #require(config.node(named: "node-a")), pairKey: [],
                                 tsigKey: nil, controlSocket: "")
        return ScriptRunner(plan: plan, logger: Logger(label: "test"), report: report)
    }

    static func script(_ directory: String, _ name: String, _ body: String) throws {
        let path = directory + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    @Test func scriptsGetTheirEnvironmentAndAreJudgedByTheirExitAndTheTimeout() async throws {
        let directory = NSTemporaryDirectory() + "dnsfix-scripts-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.script(directory, "start_prim",
                        #"echo "$1 $DNSFIX_SCRIPT $DNSFIX_STATE $DNSFIX_EPOCH $DNSFIX_NODE $DNSFIX_PEER $DNSFIX_VIP" > "$(dirname "$0")/seen""#)
        try Self.script(directory, "stop_prim", "exit 3")
        try Self.script(directory, "poststop", "sleep 30")

        let (events, report) = AsyncStream<Event>.makeStream()
        let runner = try Self.runner(directory: directory, report: { report.yield($0) })
        let started = ContinuousClock.now
        for script in [Script.startPrim, .stopPrim, .poststop, .startSecond] {
            runner.enqueue(script, ScriptRunner.Context(state: "PRIM", epoch: 7))
        }
        var finished: [Event] = []
        for await event in events {
            finished.append(event)
            if finished.count == 4 { break }
        }
        #expect(finished == [.scriptFinished(.startPrim, succeeded: true), .scriptFinished(.stopPrim, succeeded: false),
                             .scriptFinished(.poststop, succeeded: false), .scriptFinished(.startSecond, succeeded: true)],
                "in order; exit 3 fails; killed at the 3 s timeout; a missing script is done")
        #expect(ContinuousClock.now - started < .seconds(10), "the sleeping script was killed, not waited for")
        let seen = try String(contentsOfFile: directory + "/seen", encoding: .utf8)
        #expect(seen == "start_prim start_prim PRIM 7 node-a node-b 192.0.2.50\n")
    }
}

@Suite struct AgentInputErrorTests {
    @Test func aHeartbeatKeyFileThatCannotServeSaysWhy() throws {
        let path = NSTemporaryDirectory() + "dnsfix-pair-key-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: path) }
        func problem(_ contents: String?) throws -> String? {
            if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
            do {
                _ = try PairKeyFile.read(path)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(try problem(nil) == "\(path): cannot read the heartbeat key file")
        #expect(try problem("not base64!\n") == "\(path): the heartbeat key is not base64 (make one with: openssl rand -base64 32)")
        #expect(try problem(Data(repeating: 1, count: 16).base64EncodedString()) == "\(path): the heartbeat key has 16 bytes; it needs at least 32")
        #expect(try problem(Data(repeating: 1, count: 32).base64EncodedString() + "\n") == nil)
    }

    /// From the binary: a config or a TSIG key file that does not parse is exit 2 with the file and line.
    @Test func aBadConfigOrKeyFileStopsTheAgentWithExitTwo() async throws {
        let directory = NSTemporaryDirectory() + "dnsfix-bad-input-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[pair]\nname = \"x\"\n".write(toFile: directory + "/bad.toml", atomically: true, encoding: .utf8)
        let badConfig = try await runProcess(ProjectPaths.product("dnsfix"), ["agent", "--config", directory + "/bad.toml"])
        #expect(badConfig.status == 2)
        #expect(badConfig.stderr.hasPrefix("dnsfix: error: \(directory)/bad.toml:1: pair.nodes: "), "\(badConfig)")

        try "key \"k\" { algorithm hmac-sha256; secret \"zz\"; };\n".write(toFile: directory + "/bad.key", atomically: true, encoding: .utf8)
        try AgentHarness.key(0x11).write(toFile: directory + "/pair.key", atomically: true, encoding: .utf8)
        try """
            [pair]
            name = "app"
            nodes = [ { name = "a", address = "127.0.0.11" }, { name = "b", address = "127.0.0.12" } ]
            heartbeat = { key_file = "pair.key" }
            [dns]
            name = "app.example.test."
            key_file = "\(directory)/bad.key"
            """.write(toFile: directory + "/key.toml", atomically: true, encoding: .utf8)
        let badKey = try await runProcess(ProjectPaths.product("dnsfix"), ["agent", "--config", directory + "/key.toml", "--node", "a"])
        #expect(badKey.status == 2)
        #expect(badKey.stderr.contains("bad.key line 1: the secret of key k. is not valid base64"), "\(badKey)")
    }

    @Test func aReloadTakesTheFenceAndTheReconcileIntervalButNotTheSharedName() throws {
        let path = NSTemporaryDirectory() + "dnsfix-reload-\(getpid())-\(UInt32.random(in: 0..<UInt32.max)).toml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        func config(_ dns: String) -> String {
            """
            [pair]
            name = "app"
            nodes = [ { name = "a", address = "127.0.0.11" }, { name = "b", address = "127.0.0.12" } ]
            [dns]
            \(dns)
            """
        }
        try config("name = \"app.example.test.\"").write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try ConfigLoader.load(text: try String(contentsOfFile: path, encoding: .utf8), file: path)
        let plan = try AgentPlan(config: loaded, node: try #require(loaded.node(named: "a")), pairKey: [], tsigKey: nil,
                                 controlSocket: "")
        try config("name = \"app.example.test.\"\nfence = \"5s\"\nreconcile = \"10s\"").write(toFile: path, atomically: true, encoding: .utf8)
        let reloaded = try ConfigReload.read(plan).get()
        #expect(reloaded.machine.fence == .seconds(5))
        #expect(reloaded.machine.reconcileInterval == .seconds(10))
        try config("name = \"other.example.test.\"").write(toFile: path, atomically: true, encoding: .utf8)
        guard case .failure(let refused) = ConfigReload.read(plan) else {
            Issue.record("a new shared name was taken")
            return
        }
        #expect(refused.description.contains("[dns] changed: restart the agent to apply"))
    }

    @Test func anAgentThatIsNotRunningIsNamed() {
        let path = NSTemporaryDirectory() + "dnsfix-no-agent-\(getpid()).sock"
        do {
            _ = try ControlClient.send(ControlRequest(command: .status), to: path)
            Issue.record("no agent, yet an answer")
        } catch {
            #expect(error.description == "cannot reach the agent at \(path): No such file or directory (is `dnsfix agent` running?)")
        }
    }
}
