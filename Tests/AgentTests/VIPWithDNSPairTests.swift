import Agent
import FailoverCore
import Foundation
import Testing
import TestSupport

/// Two real agents in namespaces moving a real VIP, with a real named on the same bridge as the
/// zone's primary and the arbiter: the VIP, the shared name, its PTR and the owner record move
/// together, and what others leave in the zone or on the interfaces is cleaned up.
@Suite(.enabled(if: NetworkLab.canRun, "skipped: needs root to create network namespaces and plumb addresses"))
struct VIPWithDNSPairTests {
    static let vip = VIPPairTests.vip

    static func config(lab: NetworkLab, server: RunningDNSServer, dnsExtra: String = "") -> String {
        VIPPairTests.config(lab: lab) + """

            [dns]
            server = "\(server.address):\(server.port)"
            zone = "example.test."
            name = "app.example.test."
            key_file = "\(server.keyFile())"
            \(dnsExtra)
            """
    }

    /// The lab (a, b and a DNS host on one bridge), named on the DNS host, and the pair's harness.
    static func withPair(dnsExtra: String = "reconcile = \"1s\"", _ body: (NetworkLab, RunningDNSServer, AgentHarness) async throws -> Void) async throws {
        try await NetworkLab.with(roles: ["a", "b", "dns"]) { lab in
            let placement = DNSServerPlacement.inNamespace(lab["dns"].namespace, address: lab["dns"].ipv4)
            try await withDNSServer(.bind, placement: placement) { server in
                let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
                try await withAgents(config: config(lab: lab, server: server, dnsExtra: dnsExtra), namespaces: namespaces) { pair in
                    try await body(lab, server, pair)
                }
            }
        }
    }

    static func ready(_ lab: NetworkLab, _ node: String) async throws -> Int {
        try await HTTPProbe.get("http://\(lab[node].ipv4):9010/ready", from: lab["dns"].namespace).status
    }

    @Test func theVIPTheSharedNameAndTheOwnerRecordMoveTogether() async throws {
        try await Self.withPair { lab, server, pair in
            // What keepalived with a notify script running nsupdate leaves behind: the VIP under a node's name.
            #expect(try await server.nsupdate(["update add a.example.test. 300 A \(Self.vip)"]).status == 0)
            try await pair.start("a")
            try await Task.sleep(for: .milliseconds(200))
            try await pair.start("b")
            #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
            #expect(try await VIPPairTests.holders(lab) == ["a"])
            #expect(try await pair.waitUntil { try await server.dig("app.example.test.", "A") == [Self.vip] })
            #expect(try await server.dig("50.2.0.192.in-addr.arpa.", "PTR") == ["app.example.test."])
            let first = try #require(try await server.owner(of: "app.example.test."), "\(pair.logs())")
            #expect(first.node == "a")
            #expect(try await server.dig("a.example.test.", "A") == [], "the stray copy under the node's own name is gone")
            #expect(try await Self.ready(lab, "a") == 200)
            #expect(try await Self.ready(lab, "b") == 404)
            #expect(pair.status("a")?.dns?.answers == [Self.vip])

            // A stray added by hand while the pair runs goes at the next reconcile (1 s here).
            #expect(try await server.nsupdate(["update add b.example.test. 300 A \(Self.vip)"]).status == 0)
            #expect(try await pair.waitUntil(seconds: 4) { try await server.dig("b.example.test.", "A") == [] }, "\(pair.logs())")

            // kill -9 of the primary's agent: its VIP lingers in its kernel; the standby takes the
            // pair at the arbiter and plumbs.
            await pair.kill("a")
            #expect(await pair.waitUntil(seconds: 4) { pair.state("b") == "ALONE" && pair.status("b")?.holdsVIP == true },
                    "\(pair.logs())")
            #expect(try await pair.waitUntil(seconds: 2) { try await server.owner(of: "app.example.test.") == OwnerClaim(node: "b", epoch: first.epoch + 1) },
                    "\(pair.logs())")
            #expect(try await server.dig("app.example.test.", "A") == [Self.vip])
            #expect(try await server.dig("50.2.0.192.in-addr.arpa.", "PTR") == ["app.example.test."])
            #expect(try await Self.ready(lab, "b") == 200)

            // The dead node comes back: clean slate (its lingering VIP goes), then it stands by.
            try await pair.start("a")
            #expect(await pair.waitUntil { pair.state("a") == "SECOND" && pair.state("b") == "PRIM" }, "\(pair.logs())")
            #expect(try await VIPPairTests.holders(lab) == ["b"])

            // A VIP plumbed by hand on the standby is a second holder: the agent removes it at once.
            _ = try await lab.run(in: "a", ["ip", "addr", "add", "\(Self.vip)/32", "dev", "eth1"])
            #expect(try await pair.waitUntil(seconds: 2) { try await VIPPairTests.holders(lab) == ["b"] }, "\(pair.logs())")

            #expect(try pair.command("b", .swap).refused == nil)
            #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
            #expect(try await VIPPairTests.holders(lab) == ["a"])
            #expect(try await pair.waitUntil(seconds: 2) { try await server.owner(of: "app.example.test.") == OwnerClaim(node: "a", epoch: first.epoch + 2) },
                    "\(pair.logs())")
            #expect(try await server.dig("app.example.test.", "A") == [Self.vip])
        }
    }

    /// Heartbeats cut between the nodes (blackhole routes in both namespaces) while both still reach
    /// the server: of the two, exactly one wins the owner record and holds the VIP once the fence
    /// window is over; the pair heals when the link returns.
    @Test func aCutHeartbeatLinkLeavesExactlyOneActiveNode() async throws {
        try await Self.withPair { lab, server, pair in
            try await pair.start("a")
            try await pair.start("b")
            #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
            #expect(try await pair.waitUntil { try await server.owner(of: "app.example.test.")?.node == "a" })

            _ = try await lab.run(in: "a", ["ip", "route", "add", "blackhole", lab["b"].ipv4 + "/32"])
            _ = try await lab.run(in: "b", ["ip", "route", "add", "blackhole", lab["a"].ipv4 + "/32"])
            // dead time 0.3 s, then the compare-and-swap race, then the fence window (2 s) for the loser.
            try await Task.sleep(for: .seconds(3))
            let states = [pair.state("a"), pair.state("b")]
            let active = ["a", "b"].filter { ["ALONE", "PRIM"].contains(pair.state($0)) }
            #expect(active.count == 1, "states \(states)\n\(pair.logs())")
            let winner = try #require(active.first)
            let loser = winner == "a" ? "b" : "a"
            #expect(pair.state(loser) == "WAIT")
            #expect(try await VIPPairTests.holders(lab) == [winner])
            let record = try await server.owner(of: "app.example.test.")
            #expect(record?.node == winner, "\(String(describing: record))")

            _ = try await lab.run(in: "a", ["ip", "route", "del", "blackhole", lab["b"].ipv4 + "/32"])
            _ = try await lab.run(in: "b", ["ip", "route", "del", "blackhole", lab["a"].ipv4 + "/32"])
            #expect(await pair.waitUntil { pair.state(winner) == "PRIM" && pair.state(loser) == "SECOND" }, "\(pair.logs())")
            #expect(try await VIPPairTests.holders(lab) == [winner])
        }
    }

    /// The active node cut off from its peer and from the server keeps the VIP for the fence window
    /// (2 s), then gives it up; its peer, which still reaches the server, takes the pair at once.
    @Test func anActiveNodeCutOffFromEverythingKeepsTheVIPForTheFenceWindowOnly() async throws {
        try await Self.withPair { lab, server, pair in
            try await pair.start("a")
            try await pair.start("b")
            #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
            #expect(try await pair.waitUntil { try await server.owner(of: "app.example.test.")?.node == "a" })
            let first = try #require(try await server.owner(of: "app.example.test."), "\(pair.logs())")
            for address in [lab["b"].ipv4, lab["dns"].ipv4] {
                _ = try await lab.run(in: "a", ["ip", "route", "add", "blackhole", address + "/32"])
            }
            _ = try await lab.run(in: "b", ["ip", "route", "add", "blackhole", lab["a"].ipv4 + "/32"])
            try await Task.sleep(for: .seconds(1))
            #expect(pair.status("a")?.holdsVIP == true, "within the fence window\n\(pair.logs())")
            #expect(await pair.waitUntil(seconds: 2) { pair.status("a")?.waitReason == "fenced" }, "\(pair.logs())")
            #expect(try await VIPPairTests.holders(lab) == ["b"])
            #expect(try await server.owner(of: "app.example.test.") == OwnerClaim(node: "b", epoch: first.epoch + 1))
        }
    }

    /// DNS down during a failover, without the arbiter: the VIP moves at once, and the records are
    /// written once the server answers again.
    @Test func withoutTheArbiterTheVIPMovesWhileDNSIsDownAndTheRecordsFollow() async throws {
        // The default reconcile (30 s): the stray below stays until the failover's own registration.
        try await Self.withPair(dnsExtra: "arbiter = false") { lab, server, pair in
            try await pair.start("a")
            try await pair.start("b")
            #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
            #expect(try await pair.waitUntil { try await server.dig("app.example.test.", "A") == [Self.vip] })
            // The stray to repair: written while the server is up, found once it is back.
            #expect(try await server.nsupdate(["update add b.example.test. 300 A \(Self.vip)"]).status == 0)

            // The server stops answering (paused by its PID, which this test's fixture started).
            kill(server.pid, SIGSTOP)
            await pair.kill("a")
            #expect(await pair.waitUntil(seconds: 3) { pair.state("b") == "ALONE" && pair.status("b")?.holdsVIP == true },
                    "\(pair.logs())")
            #expect(try await Self.ready(lab, "b") == 200)
            kill(server.pid, SIGCONT)
            #expect(try await pair.waitUntil(seconds: 12) { try await server.dig("b.example.test.", "A") == [] }, "\(pair.logs())")
            #expect(try await server.dig("app.example.test.", "A") == [Self.vip])
        }
    }
}
