import Agent
import ArgumentParser
import DNSModel
import Foundation
import TestSupport

/// The test bed by hand: node a, node b, a client and named in network namespaces on one bridge,
/// the two agents running with a VIP and DNS; it stays until Ctrl-C, then everything goes.
struct TestBed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testbed",
        abstract: "Builds the namespaces test bed with two running agents and keeps it until Ctrl-C (or --seconds)."
    )

    @Option(help: "Tear it down after this many seconds instead of waiting for Ctrl-C.")
    var seconds: Int?

    func validate() throws {
        guard NetworkLab.canRun else { throw ValidationError("needs root: it creates network namespaces and plumbs addresses") }
    }

    func run() async throws {
        let vip = try IPAddress("192.0.2.50")
        let seconds = seconds
        try await NetworkLab.with(roles: ["client", "a", "b", "dns"]) { lab in
            let placement = DNSServerPlacement.inNamespace(lab["dns"].namespace, address: lab["dns"].ipv4)
            try await withDNSServer(.bind, placement: placement) { server in
                try await BenchPair.with(lab, sections: [AgentBenchmark.vipSection(vip), AgentBenchmark.dnsSection(server)]) { pair in
                    let (active, _) = try await pair.settled()
                    let dnsfix = ProjectPaths.product("dnsfix")
                    print("""
                        test bed up: \(active) holds the VIP \(vip)
                          client  \(lab["client"].ipv4)  ip netns exec \(lab["client"].namespace) bash
                          node a  \(lab["a"].ipv4)  ip netns exec \(lab["a"].namespace) bash
                          node b  \(lab["b"].ipv4)  ip netns exec \(lab["b"].namespace) bash
                          named   \(server.endpoint)  ip netns exec \(lab["dns"].namespace) dig @\(server.address) app.example.test.
                          status  \(dnsfix) status --control \(pair.control("a"))
                          config  \(pair.directory)/dnsfix.toml (agents' logs beside it)
                        Ctrl-C removes all of it.
                        """)
                    try await Task.sleep(for: .seconds(seconds ?? Int(Int32.max)))
                }
            }
        }
    }
}
