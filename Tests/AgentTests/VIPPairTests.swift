import Agent
import Foundation
import Testing
import TestSupport

/// Two real agents in two network namespaces on one bridge, moving a real VIP.
@Suite(.enabled(if: NetworkLab.canRun, "skipped: needs root to create network namespaces and plumb addresses"))
struct VIPPairTests {
    static let vip = "192.0.2.50"

    static func config(key: String = "pair.key", lab: NetworkLab, vip: String = vip, pairExtra: String = "") -> String {
        """
        [pair]
        name = "app"
        nodes = [ { name = "a", address = "\(lab["a"].ipv4)" }, { name = "b", address = "\(lab["b"].ipv4)" } ]
        heartbeat = { interval = "100ms", dead_after = 3, key_file = "\(key)" }
        \(pairExtra)

        [vip]
        addresses = ["\(vip)"]
        topology = [ { subnet = "192.0.2.0/24", interface = "eth1" } ]
        arp = { count = 2, interval = "200ms" }
        """
    }

    static func holders(_ lab: NetworkLab, vip: String = vip, interface: String = "eth1") async throws -> [String] {
        try await lab.holders(of: vip, interface: interface)
    }

    @Test func failoverRestartSwapAndGracefulStop() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            try await withAgents(config: Self.config(lab: lab), namespaces: namespaces) { pair in
                try await pair.start("a")
                try await Task.sleep(for: .milliseconds(200))
                try await pair.start("b")
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(try await Self.holders(lab) == ["a"])

                // kill -9 of the primary's agent: its VIP lingers in its kernel, the standby takes over.
                await pair.kill("a")
                #expect(await pair.waitUntil(seconds: 3) { pair.state("b") == "ALONE" && pair.status("b")?.holdsVIP == true },
                        "\(pair.logs())")
                #expect(try await Self.holders(lab).contains("b"))

                // The dead node comes back: clean slate, then it stands by.
                try await pair.start("a")
                #expect(await pair.waitUntil { pair.state("a") == "SECOND" && pair.state("b") == "PRIM" }, "\(pair.logs())")
                #expect(try await Self.holders(lab) == ["b"])

                // A coordinated swap asked on the active node.
                let reply = try pair.command("b", .swap)
                #expect(reply.refused == nil)
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(try await Self.holders(lab) == ["a"])

                // prim is refused while the peer is active, with the reason.
                #expect(try pair.command("b", .prim).refused == "the peer is PRIM: use swap")

                // SIGTERM hands over before the agent exits.
                pair.agents["a"]?.signal(SIGTERM)
                #expect(await pair.agents["a"]?.waitForExit(seconds: 5) != nil)
                #expect(await pair.waitUntil(seconds: 2) { pair.state("b") == "ALONE" }, "\(pair.logs())")
                #expect(try await Self.holders(lab) == ["b"])
            }
        }
    }

    /// What systemd does after any end of the agent, SIGKILL included: the unit's ExecStopPost line,
    /// run as written in ops/systemd/dnsfix.service.in, leaves nothing answering on the VIP.
    @Test func theUnitsStopStepRemovesTheVIPAKilledAgentLeft() async throws {
        let template = try String(contentsOfFile: ProjectPaths.root + "/ops/systemd/dnsfix.service.in", encoding: .utf8)
        let line = try #require(template.split(separator: "\n").first { $0.hasPrefix("ExecStopPost=") })
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            try await withAgents(config: Self.config(lab: lab), namespaces: ["a": lab["a"].namespace]) { pair in
                let command = line.dropFirst("ExecStopPost=".count).split(separator: " ").map {
                    $0.replacingOccurrences(of: "@BINDIR@/dnsfix", with: ProjectPaths.product("dnsfix"))
                        .replacingOccurrences(of: "@SYSCONFDIR@/dnsfix/dnsfix.toml", with: pair.directory + "/dnsfix.toml")
                } + ["--node", "a"]
                try await pair.start("a")
                #expect(await pair.waitUntil(seconds: 4) { pair.status("a")?.holdsVIP == true }, "\(pair.logs())")
                await pair.kill("a")
                #expect(try await Self.holders(lab) == ["a"], "kill -9 leaves the VIP in the kernel")
                let stopped = try await lab.run(in: "a", command)
                #expect(stopped.succeeded, "\(stopped)")
                #expect(try await Self.holders(lab).isEmpty)
            }
        }
    }

    /// An interface that is down before the agent starts: WAIT (interfaceDown) with nothing plumbed,
    /// and the takeover once it comes up.
    @Test func anInterfaceDownAtStartIsAWaitForItNotAFailure() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            _ = try await NetworkLab.ip(["-n", lab["a"].namespace, "link", "set", "eth1", "down"])
            try await withAgents(config: Self.config(lab: lab), namespaces: ["a": lab["a"].namespace]) { pair in
                try await pair.start("a")
                #expect(await pair.waitUntil(seconds: 3) { pair.status("a")?.waitReason == "interfaceDown" }, "\(pair.logs())")
                try await Task.sleep(for: .seconds(1.5))
                #expect(pair.status("a")?.waitReason == "interfaceDown", "past the start-up wait: \(pair.logs())")
                #expect(try await Self.holders(lab).isEmpty)
                _ = try await NetworkLab.ip(["-n", lab["a"].namespace, "link", "set", "eth1", "up"])
                #expect(await pair.waitUntil(seconds: 5) { pair.state("a") == "ALONE" && pair.status("a")?.holdsVIP == true },
                        "\(pair.logs())")
            }
        }
    }

    /// A killed agent's host answers heartbeats with ICMP port unreachable: the connected heartbeat
    /// socket reports it (counted in /metrics), and the survivor takes it as its peer gone. Whether the
    /// first refusal beats the dead time depends on when the next heartbeat leaves, so the count is
    /// what is checked, not the reason of the takeover.
    @Test func aKilledAgentsHostRefusingHeartbeatsIsSeenAsItsAgentGone() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            try await withAgents(config: Self.config(lab: lab), namespaces: namespaces) { pair in
                try await pair.start("a")
                try await pair.start("b")
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                await pair.kill("b")
                #expect(await pair.waitUntil(seconds: 3) { pair.state("a") == "ALONE" }, "\(pair.logs())")
                let metrics = "http://\(lab["a"].ipv4):9010/metrics"
                #expect(try await pair.waitUntil(seconds: 3) {
                    let body = try await HTTPProbe.get(metrics, from: lab["a"].namespace).body
                    return !body.contains("dnsfix_heartbeats_refused_total 0") && body.contains("dnsfix_heartbeats_refused_total ")
                }, "\(pair.logs())")
            }
        }
    }

    @Test func aWrongHeartbeatKeyIsRejectedAndCounted() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            let wrong = Self.config(key: "wrong.key", lab: lab)
            try await withAgents(config: Self.config(lab: lab), namespaces: namespaces, keys: ["wrong": AgentHarness.key(0x22)]) { pair in
                try wrong.write(toFile: pair.directory + "/wrong.toml", atomically: true, encoding: .utf8)
                try await pair.start("a")
                try await pair.start("b", config: "wrong.toml")
                #expect(await pair.waitUntil { (pair.status("a")?.heartbeatsDropped["bad_mac"] ?? 0) >= 5 }, "\(pair.logs())")
                let status = try #require(pair.status("a"))
                #expect(status.peer.state == nil, "a heartbeat under another key is never trusted")
            }
        }
    }

    @Test func aConfigThatDiffersInTheVIPIsBrokenOnBothAndNothingIsPlumbed() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            try await withAgents(config: Self.config(lab: lab), namespaces: namespaces) { pair in
                try Self.config(lab: lab, vip: "192.0.2.51").write(toFile: pair.directory + "/other.toml", atomically: true, encoding: .utf8)
                try await pair.start("a")
                try await pair.start("b", config: "other.toml")
                #expect(await pair.waitUntil {
                    pair.status("a")?.waitReason == "brokenConfig" && pair.status("b")?.waitReason == "brokenConfig"
                }, "\(pair.logs())")
                #expect(pair.status("a")?.labels == ["BROKEN"])
                try await Task.sleep(for: .seconds(1.5))
                #expect(try await Self.holders(lab).isEmpty)
                #expect(pair.state("a") == "WAIT" && pair.state("b") == "WAIT")
            }
        }
    }

    @Test func preferencesThatDisagreeAreAConflictWithStillOneOwner() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            try await withAgents(config: Self.config(lab: lab, pairExtra: "preference = \"b\""), namespaces: namespaces) { pair in
                try Self.config(lab: lab, pairExtra: "preference = \"a\"")
                    .write(toFile: pair.directory + "/other.toml", atomically: true, encoding: .utf8)
                try await pair.start("a")
                try await pair.start("b", config: "other.toml")
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(pair.status("a")?.labels == ["CONFLICT"])
                #expect(pair.status("b")?.labels == ["CONFLICT"])
                let shown = try await runProcess(ProjectPaths.product("dnsfix"), ["status", "--control", pair.control("b")])
                #expect(shown.stdout.contains("labels: CONFLICT"), "\(shown)")
                #expect(shown.stdout.contains("CONFLICT: the two config files name different preferred nodes"), "\(shown)")
                #expect(try await Self.holders(lab) == ["a"], "the preference is ignored: the smaller name wins")

                // b's file corrected, SIGHUP: the fingerprints agree again on both nodes at once.
                try Self.config(lab: lab, pairExtra: "preference = \"b\"")
                    .write(toFile: pair.directory + "/other.toml", atomically: true, encoding: .utf8)
                pair.agents["b"]?.signal(SIGHUP)
                #expect(await pair.waitUntil { pair.status("a")?.labels == [] && pair.status("b")?.labels == [] }, "\(pair.logs())")

                // A change that needs a restart is refused whole; the agent keeps running as it was.
                try Self.config(lab: lab, vip: "192.0.2.51", pairExtra: "preference = \"b\"")
                    .write(toFile: pair.directory + "/other.toml", atomically: true, encoding: .utf8)
                pair.agents["b"]?.signal(SIGHUP)
                #expect(await pair.waitUntil { pair.logs().contains("reload refused") }, "\(pair.logs())")
                #expect(pair.state("b") == "SECOND")
                #expect(pair.status("b")?.labels == [])
            }
        }
    }

    @Test func thePreferredNodeTakesTheVIPBackAfterTheDelay() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            let config = Self.config(lab: lab, pairExtra: "preference = \"a\"\nfailback_delay = \"1s\"")
            try await withAgents(config: config, namespaces: namespaces) { pair in
                try await pair.start("b")
                #expect(await pair.waitUntil(seconds: 4) { pair.state("b") == "ALONE" }, "\(pair.logs())")
                try await pair.start("a")
                #expect(await pair.waitUntil(seconds: 2) { pair.state("a") == "SECOND" && pair.state("b") == "PRIM" }, "\(pair.logs())")
                #expect(await pair.waitUntil(seconds: 4) { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(try await Self.holders(lab) == ["a"])
            }
        }
    }
}
