import Agent
import Foundation
import Testing
import TestSupport

/// A DNS-only pair with no common Layer 2: two agents on two subnets joined by a router namespace,
/// with named on the router as the zone's primary. The shared name follows the active node's own
/// address with the configured TTL, and `/ready`, asked from the router as a load balancer would,
/// follows it too.
@Suite(.enabled(if: NetworkLab.canRun, "skipped: needs root to create network namespaces"))
struct RoutedDNSOnlyPairTests {
    static func config(lab: RoutedLab, server: RunningDNSServer) -> String {
        """
        [pair]
        name = "app"
        nodes = [ { name = "a", address = "\(lab["a"].address)" }, { name = "b", address = "\(lab["b"].address)" } ]
        heartbeat = { interval = "100ms", dead_after = 3, key_file = "pair.key" }

        [dns]
        server = "\(server.address):\(server.port)"
        zone = "example.test."
        name = "app.example.test."
        ttl = 20
        key_file = "\(server.keyFile())"
        """
    }

    @Test func theSharedNameAndReadyFollowTheActiveNodeAcrossSubnets() async throws {
        try await RoutedLab.with(roles: ["a", "b"]) { lab in
            let placement = DNSServerPlacement.inNamespace(lab.routerNamespace, address: lab["a"].gateway)
            try await withDNSServer(.bind, placement: placement) { server in
                let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
                func ready(_ node: String) async throws -> Int {
                    try await HTTPProbe.get("http://\(lab[node].address):9010/ready", from: lab.routerNamespace).status
                }
                func answer() async throws -> [String] {
                    let result = try await server.digCommand(["+noall", "+answer", "+norecurse", "app.example.test.", "A"])
                    return result.stdoutLines.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
                }
                try await withAgents(config: Self.config(lab: lab, server: server), namespaces: namespaces) { pair in
                    try await pair.start("a")
                    try await Task.sleep(for: .milliseconds(200))
                    try await pair.start("b")
                    #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                    #expect(try await pair.waitUntil { try await answer() == ["app.example.test. 20 IN A \(lab["a"].address)"] },
                            "\(pair.logs())")
                    #expect(try await ready("a") == 200)
                    #expect(try await ready("b") == 404)

                    await pair.kill("a")
                    #expect(await pair.waitUntil(seconds: 3) { pair.state("b") == "ALONE" }, "\(pair.logs())")
                    #expect(try await pair.waitUntil(seconds: 2) { try await answer() == ["app.example.test. 20 IN A \(lab["b"].address)"] },
                            "\(pair.logs())")
                    #expect(try await ready("b") == 200)

                    try await pair.start("a")
                    #expect(await pair.waitUntil { pair.state("a") == "SECOND" && pair.state("b") == "PRIM" }, "\(pair.logs())")
                    #expect(try await ready("a") == 404)
                    #expect(try pair.command("b", .swap).refused == nil)
                    #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                    #expect(try await pair.waitUntil { try await answer() == ["app.example.test. 20 IN A \(lab["a"].address)"] })
                    #expect(try await ready("a") == 200)
                    #expect(try await ready("b") == 404)
                }
            }
        }
    }
}
