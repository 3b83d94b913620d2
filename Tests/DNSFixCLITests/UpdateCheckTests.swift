import Foundation
import TestSupport
import Testing

/// `dnsfix update --check`, the monitor's question: does the primary hold exactly this? Never a change.
@Suite struct UpdateCheckTests {
    func dnsfix(_ arguments: [String]) async throws -> ProcessResult {
        try await runProcess(ProjectPaths.product("dnsfix"), arguments, timeout: 60)
    }

    func base(_ server: RunningDNSServer, name: String) -> [String] {
        ["update", "--server", server.endpoint, "--key-file", server.keyFile(), "--zone", "example.test.", "--name", name]
    }

    @Test(arguments: DNSServerKind.allCases)
    func exitsZeroWhenHeldAndSixWhenNotChangingNothing(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let name = "chk-\(UInt32.random(in: 0...UInt32.max)).example.test."
            let octet = Int.random(in: 100...250)
            let wanted = base(server, name: name) + ["--address", "192.0.2.\(octet)", "--address", "2001:db8::\(octet)", "--ptr"]

            let missing = try await dnsfix(wanted + ["--check"])
            #expect(missing.status == 6, "\(missing.stdout) \(missing.stderr)")
            #expect(missing.stdout.contains("is not as requested"), "\(missing.stdout)")
            #expect(missing.stdout.contains("update add \(name) 30 IN A 192.0.2.\(octet)"), "the update it would send")
            #expect(missing.stderr.isEmpty, "a difference is an answer, not an error: \(missing.stderr)")
            #expect(try await server.dig(name, "A").isEmpty, "--check sends nothing")

            #expect(try await dnsfix(wanted).status == 0)
            let held = try await dnsfix(wanted + ["--check"])
            #expect(held.status == 0, "\(held.stdout) \(held.stderr)")
            #expect(held.stdout.contains("is as requested"), "\(held.stdout)")

            // Someone changes the PTR by hand: the forward records alone are not enough.
            let edited = try await server.nsupdate(["update delete \(octet).2.0.192.in-addr.arpa. PTR",
                                                    "update add \(octet).2.0.192.in-addr.arpa. 30 PTR node-a.example.test."])
            #expect(edited.succeeded, "\(edited)")
            let serial = try await server.serial("2.0.192.in-addr.arpa.")
            let drifted = try await dnsfix(wanted + ["--check", "--json"])
            #expect(drifted.status == 6)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(drifted.stdout.utf8)) as? [String: Any])
            #expect(json["status"] as? String == "differs")
            #expect(json["check"] as? Bool == true)
            #expect(json["changed"] as? Bool == false)
            #expect(try await server.serial("2.0.192.in-addr.arpa.") == serial, "--check sends nothing")
            #expect(try await dnsfix(base(server, name: name) + ["--address", "192.0.2.\(octet)", "--address", "2001:db8::\(octet)",
                                                                 "--check"]).status == 0,
                    "without --ptr only the forward records are compared")
        }
    }

    @Test func withRemoveItAsksThatTheAddressesAreGone() async throws {
        try await withDNSServer(.bind) { server in
            let name = "chkrm-\(UInt32.random(in: 0...UInt32.max)).example.test."
            let gone = base(server, name: name) + ["--address", "192.0.2.61", "--remove", "--check"]
            let before = try await dnsfix(gone)
            #expect(before.status == 0, "\(before.stdout) \(before.stderr)")
            let set = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.61"])
            #expect(set.status == 0, "\(set.stderr)")
            let after = try await dnsfix(gone)
            #expect(after.status == 6, "\(after.stdout) \(after.stderr)")
        }
    }

    @Test func anUnreachableServerIsFourAndDryRunIsRefused() async throws {
        let port = try freeLoopbackPort()
        let arguments = ["update", "--server", "127.0.0.1:\(port)", "--key-file", ProjectPaths.keys + "/test.key",
                         "--zone", "example.test.", "--name", "app.example.test.", "--address", "192.0.2.50",
                         "--timeout", "0.5", "--check"]
        let unreachable = try await dnsfix(arguments)
        #expect(unreachable.status == 4, "cannot ask is not 'differs': \(unreachable.stderr)")
        let both = try await dnsfix(arguments + ["--dry-run"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("give either --check or --dry-run, not both"), "\(both.stderr)")
    }

    /// With --config in VIP mode the shared name is the pair's: the VIP also comes off the nodes' own
    /// names, where hand-written failover scripts (and keepalived notify scripts) leave it.
    @Test(arguments: DNSServerKind.allCases)
    func theConfigsSharedNameTakesTheVIPOffTheNodesOwnNames(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let shared = "vipcfg-\(UInt32.random(in: 0...UInt32.max)).example.test."
            let octet = Int.random(in: 100...250)
            let vip = "192.0.2.\(octet)"
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vipcfg-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let config = directory + "/dnsfix.toml"
            try vipPairConfig(vip: vip, server: server, name: shared).write(toFile: config, atomically: true, encoding: .utf8)
            // What a notify script of the old kind leaves: the VIP under a node's own name too.
            let stray = try await server.nsupdate(["update add node-b.example.test. 30 A \(vip)"])
            #expect(stray.succeeded, "\(stray)")

            let before = try await dnsfix(["update", "--config", config, "--check"])
            #expect(before.status == 6, "\(before.stdout) \(before.stderr)")
            #expect(before.stdout.contains("update delete node-b.example.test. IN A \(vip)"), "\(before.stdout)")

            let done = try await dnsfix(["update", "--config", config])
            #expect(done.status == 0, "\(done.stderr)")
            #expect(done.stdout.contains("removed \(vip) from node-b.example.test."), "\(done.stdout)")
            #expect(try await server.dig(shared, "A") == [vip])
            #expect(try await server.dig("node-b.example.test.", "A") == ["192.0.2.12"], "the node keeps its own address")

            let after = try await dnsfix(["update", "--config", config, "--check"])
            #expect(after.status == 0, "\(after.stdout) \(after.stderr)")
        }
    }
}
