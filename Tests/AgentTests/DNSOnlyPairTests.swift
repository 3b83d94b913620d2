import Agent
import FailoverCore
import Foundation
import Testing
import TestSupport

/// A DNS-only pair (no VIP) of two real agents on loopback addresses, with a real named as the
/// zone's primary and the arbiter: the shared name follows the active node's own address.
@Suite struct DNSOnlyPairTests {
    static func config(heartbeatPort: UInt16, healthPort: UInt16, server: RunningDNSServer) -> String {
        """
        [pair]
        name = "app"
        nodes = [ { name = "a", address = "127.0.0.11" }, { name = "b", address = "127.0.0.12" } ]
        heartbeat = { interval = "100ms", dead_after = 3, key_file = "pair.key", port = \(heartbeatPort) }

        [dns]
        server = "\(server.address):\(server.port)"
        zone = "example.test."
        name = "app.example.test."
        ttl = 30
        key_file = "\(server.keyFile())"

        [health]
        listen = ":\(healthPort)"
        """
    }

    @Test func theSharedNameAndTheOwnerRecordFollowTheActiveNode() async throws {
        try await withDNSServer(.bind) { server in
            let healthPort = try freeLoopbackPort()
            let config = Self.config(heartbeatPort: try freeLoopbackPort(), healthPort: healthPort, server: server)
            func get(_ node: String, _ path: String) async throws -> (status: Int, body: String) {
                try await HTTPProbe.get("http://127.0.0.\(node == "a" ? 11 : 12):\(healthPort)\(path)")
            }
            try await withAgents(config: config) { pair in
                try await pair.start("a")
                try await Task.sleep(for: .milliseconds(200))
                try await pair.start("b")
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(try await pair.waitUntil { try await server.dig("app.example.test.", "A") == ["127.0.0.11"] })
                let owner1 = try #require(try await server.owner(of: "app.example.test."), "\(pair.logs())")
                #expect(owner1.node == "a")
                #expect(pair.status("a")?.dns?.answers == ["127.0.0.11"])
                #expect(try await get("a", "/ready").status == 200)
                #expect(try await get("b", "/ready").status == 404)
                #expect(try await get("b", "/status").body.contains(#""state":"SECOND""#))
                #expect(try await get("a", "/metrics").body.contains(#"dnsfix_state{state="PRIM"} 1"#))

                await pair.kill("a")
                #expect(await pair.waitUntil(seconds: 3) { pair.state("b") == "ALONE" }, "\(pair.logs())")
                #expect(try await pair.waitUntil(seconds: 2) { try await server.dig("app.example.test.", "A") == ["127.0.0.12"] })
                let owner2 = try await server.owner(of: "app.example.test.")
                #expect(owner2 == OwnerClaim(node: "b", epoch: owner1.epoch + 1), "\(pair.logs())")
                #expect(try await get("b", "/ready").status == 200)

                try await pair.start("a")
                #expect(await pair.waitUntil { pair.state("a") == "SECOND" && pair.state("b") == "PRIM" }, "\(pair.logs())")
                #expect(try await server.dig("app.example.test.", "A") == ["127.0.0.12"])

                #expect(try pair.command("b", .swap).refused == nil)
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(try await pair.waitUntil { try await server.dig("app.example.test.", "A") == ["127.0.0.11"] })
                let owner3 = try await server.owner(of: "app.example.test.")
                #expect(owner3 == OwnerClaim(node: "a", epoch: owner1.epoch + 2), "\(pair.logs())")
            }
        }
    }

    @Test func withTheServerDownTheArbiterForbidsATakeoverUntilItReturns() async throws {
        try await withDNSServer(.bind) { server in
            let config = Self.config(heartbeatPort: try freeLoopbackPort(), healthPort: try freeLoopbackPort(), server: server)
            try await withAgents(config: config) { pair in
                try await pair.start("a")
                try await pair.start("b")
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(try await pair.waitUntil { try await server.dig("app.example.test.", "A") == ["127.0.0.11"] })
                let owner1 = try #require(try await server.owner(of: "app.example.test."), "\(pair.logs())")
                #expect(owner1.node == "a")

                // The server stops answering (paused by its PID, which this test's fixture started).
                kill(server.pid, SIGSTOP)
                await pair.kill("a")
                #expect(await pair.waitUntil(seconds: 3) { pair.status("b")?.waitReason == "dnsUnreachable" }, "\(pair.logs())")
                kill(server.pid, SIGCONT)
                #expect(await pair.waitUntil(seconds: 10) { pair.state("b") == "ALONE" }, "\(pair.logs())")
                #expect(try await pair.waitUntil(seconds: 3) { try await server.dig("app.example.test.", "A") == ["127.0.0.12"] })
                let owner2 = try await server.owner(of: "app.example.test.")
                #expect(owner2 == OwnerClaim(node: "b", epoch: owner1.epoch + 1), "\(pair.logs())")
            }
        }
    }
}
