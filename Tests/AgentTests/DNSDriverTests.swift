import ConfigFile
import DNSModel
import FailoverCore
import Foundation
import Logging
import Testing
import TestSupport
@testable import Agent

/// The agent's DNS side against real servers: the owner record's compare-and-swap, the shared name
/// registered once under the owner record's guard, and the VIP taken off the nodes' own names.
@Suite struct DNSDriverTests {
    static func driver(_ server: RunningDNSServer) throws -> DNSDriver {
        let config = try ConfigLoader.load(text: vipPairConfig(vip: "192.0.2.50", server: server, name: "app.example.test."),
                                           file: "dnsfix.toml")
        let key = try TSIGKey(keyFileContents: String(contentsOfFile: server.keyFile(), encoding: .utf8), origin: server.keyFile())
        let plan = try AgentPlan(config: config, node: try #require(config.node(named: "node-a")), pairKey: [], tsigKey: key,
                                 controlSocket: "")
        return try #require(DNSDriver(plan: plan, logger: Logger(label: "test")))
    }

    static func perform(_ driver: DNSDriver, _ action: Action) async -> Event {
        await withCheckedContinuation { continuation in driver.perform(action) { continuation.resume(returning: $0) } }
    }

    @Test(arguments: DNSServerKind.allCases)
    func theVIPIsRegisteredOnceAndTakenOffTheNodesOwnNames(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            // What a keepalived notify script with nsupdate leaves behind: the VIP under a node's name.
            #expect(try await server.nsupdate(["update add node-a.example.test. 300 A 192.0.2.50"]).status == 0)
            let driver = try Self.driver(server)
            let claim = OwnerClaim(node: "node-a", epoch: 1)
            // The first update of a fresh zone can outlast the driver's timeout on a loaded machine; the
            // core then reads the record and retries after a back-off, and so does this test.
            var written = await Self.perform(driver, .writeOwner(expected: nil, new: claim))
            for _ in 0..<3 where written == .ownerUnreachable {
                try await Task.sleep(for: .milliseconds(500))
                written = await Self.perform(driver, .readOwner) == .ownerRead(claim)
                    ? .ownerWritten : await Self.perform(driver, .writeOwner(expected: nil, new: claim))
            }
            #expect(written == .ownerWritten)
            #expect(await Self.perform(driver, .readOwner) == .ownerRead(claim))
            // What the client's own retry meets when its first try landed and only the answer was late:
            // the prerequisite fails, and the claim in place is this very one.
            #expect(await Self.perform(driver, .writeOwner(expected: nil, new: claim)) == .ownerWritten)
            #expect(await Self.perform(driver, .registerRecords(claim)) == .recordsRegistered)
            #expect(try await server.dig("app.example.test.", "A") == ["192.0.2.50"])
            #expect(try await server.dig("node-a.example.test.", "A") == ["192.0.2.11"])
            #expect(try await server.dig("50.2.0.192.in-addr.arpa.", "PTR") == ["app.example.test."])

            // Drift at the server: a node whose claim is not the owner record's cannot repair it (its
            // update carries the owner record as a prerequisite); the owner can. A stale CAS loses.
            #expect(try await server.nsupdate(["update add app.example.test. 30 A 192.0.2.99"]).status == 0)
            #expect(await Self.perform(driver, .registerRecords(OwnerClaim(node: "node-a", epoch: 0))) == .recordsRejected)
            #expect(try await server.dig("app.example.test.", "A").sorted() == ["192.0.2.50", "192.0.2.99"])
            #expect(await Self.perform(driver, .registerRecords(claim)) == .recordsRegistered)
            #expect(try await server.dig("app.example.test.", "A") == ["192.0.2.50"])
            #expect(await Self.perform(driver, .writeOwner(expected: nil, new: OwnerClaim(node: "node-a", epoch: 2))) == .ownerMismatch)
            #expect(await Self.perform(driver, .readOwner) == .ownerRead(claim))
        }
    }
}
