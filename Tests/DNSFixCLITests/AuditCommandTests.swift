import Audit
import DNSModel
import DNSUpdate
import Foundation
import TestSupport
import Testing

/// `dnsfix audit` against real servers: AXFR, the pair's config, guarded repairs, and its errors.
@Suite struct AuditCommandTests {
    func dnsfix(_ arguments: [String]) async throws -> ProcessResult {
        try await runProcess(ProjectPaths.product("dnsfix"), arguments, timeout: 60)
    }

    /// The pair's config for a server, in a temp directory removed after the body.
    func withConfig<T>(_ server: RunningDNSServer, _ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/dnsfix.toml"
        try """
            [pair]
            name = "app"
            nodes = [ { name = "node-a", address = "192.0.2.11" },
                      { name = "node-b", address = "192.0.2.12" } ]
            [vip]
            addresses = ["192.0.2.50"]
            [dns]
            server = "\(server.endpoint)"
            zone = "example.test."
            name = "app.example.test."
            key_file = "\(server.keyFile())"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return try await body(path)
    }

    /// What keepalived plus hand-written nsupdate scripts leave after a failover and back.
    func makeTheDataMinerMess(_ server: RunningDNSServer) async throws {
        let result = try await server.nsupdate([
            "zone example.test.",
            "update add app.example.test. 30 IN A 192.0.2.50",
            "update add node-a.example.test. 300 IN A 192.0.2.50",
            "update add node-b.example.test. 300 IN A 192.0.2.50",
            "send",
            "zone 2.0.192.in-addr.arpa.",
            "update add 50.2.0.192.in-addr.arpa. 300 IN PTR node-b.example.test.",
            "send",
        ])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(arguments: DNSServerKind.allCases)
    func theDataMinerScenarioIsFoundAndRepaired(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            try await makeTheDataMinerMess(server)
            try await withConfig(server) { config in
                let found = try await dnsfix(["audit", "--config", config])
                #expect(found.status == 1, "\(found.stderr)")
                #expect(found.stdout.contains("ERROR vip-under-other-name: the VIP 192.0.2.50 is registered under node-a.example.test. (node node-a's own name)"))
                #expect(found.stdout.contains("ERROR vip-ptr-wrong"))
                #expect(found.stdout.contains("3 errors, 0 warnings, 0 notes"), "\(found.stdout)")

                let plan = try await dnsfix(["audit", "--config", config, "--fix"])
                #expect(plan.status == 1)
                #expect(plan.stdout.contains("update delete node-a.example.test. IN A 192.0.2.50"))
                #expect(plan.stdout.contains("prereq yxrrset node-a.example.test. IN A 192.0.2.50"))
                #expect(try await server.dig("node-a.example.test.", "A") == ["192.0.2.11", "192.0.2.50"], "--fix alone changes nothing")

                let applied = try await dnsfix(["audit", "--config", config, "--fix", "--apply", "--json"])
                #expect(applied.status == 0, "\(applied.stdout) \(applied.stderr)")
                let json = try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any]
                #expect((json?["after"] as? [String: Any])?["clean"] as? Bool == true)
                #expect((json?["repairs"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "applied" } == true)

                #expect(try await server.dig("node-a.example.test.", "A") == ["192.0.2.11"])
                #expect(try await server.dig("node-b.example.test.", "A") == ["192.0.2.12"])
                #expect(try await server.dig("app.example.test.", "A") == ["192.0.2.50"])
                #expect(try await server.dig("50.2.0.192.in-addr.arpa.", "PTR") == ["app.example.test."])
                #expect(try await dnsfix(["audit", "--config", config]).status == 0)
            }
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func aRecordChangedSinceTheAuditIsLeftAlone(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            try await makeTheDataMinerMess(server)
            let key = try TSIGKey(keyFileContents: String(contentsOfFile: server.keyFile(), encoding: .utf8), origin: "test.key")
            let client = try DNSClient(server: ServerEndpoint(host: server.address, port: server.port), key: key)
            let zones = try [DNSName("example.test."), DNSName("2.0.192.in-addr.arpa.")].map {
                AuditZone(origin: $0, records: try client.transfer(zone: $0), source: "AXFR")
            }
            let pair = PairFacts(sharedName: try DNSName("app.example.test."), vips: [try IPAddress("192.0.2.50")],
                                 nodes: [.init(name: "node-a", address: try IPAddress("192.0.2.11")),
                                         .init(name: "node-b", address: try IPAddress("192.0.2.12"))])
            let repairs = RepairPlanner.repairs(for: Auditor(pair: pair).audit(zones), zones: zones)
            // Between the audit and the repair, an operator adds an address to node-a by hand.
            #expect(try await server.nsupdate(["update add node-a.example.test. 300 IN A 192.0.2.13"]).status == 0)
            var outcomes: [String: String] = [:]
            for repair in repairs {
                let owner = repair.plan.operations[0].name.description
                do {
                    try client.send(repair.plan)
                    outcomes[owner] = "applied"
                } catch DNSError.prerequisiteFailed {
                    outcomes[owner] = "left alone"
                }
            }
            #expect(outcomes == ["node-a.example.test.": "left alone", "node-b.example.test.": "applied",
                                 "50.2.0.192.in-addr.arpa.": "applied"])
            #expect(try await server.dig("node-a.example.test.", "A") == ["192.0.2.11", "192.0.2.13", "192.0.2.50"])
            #expect(try await server.dig("node-b.example.test.", "A") == ["192.0.2.12"])
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func zoneFilesAndAXFRGiveTheSameFindings(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            // Problems a dynamic update can create: a duplicate, disagreeing and missing PTRs, a dangling CNAME.
            let result = try await server.nsupdate([
                "zone example.test.",
                "update add old.example.test. 300 IN A 192.0.2.80",
                "update add lost.example.test. 300 IN CNAME nowhere.example.test.",
                "update add bare.example.test. 300 IN A 192.0.2.90",
                "send",
                "zone 2.0.192.in-addr.arpa.",
                "update add 12.2.0.192.in-addr.arpa. 300 IN PTR stale.example.test.",
                "send",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let axfr = try await dnsfix(["audit", "--server", server.endpoint, "--key-file", server.keyFile(),
                                         "--axfr", "example.test.", "--axfr", "2.0.192.in-addr.arpa.", "--json"])
            #expect(axfr.status == 1, "\(axfr.stderr)")

            // The same data as master files, written from the transfer.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zones-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            for zone in ["example.test.", "2.0.192.in-addr.arpa."] {
                let records = try await server.axfr(zone)
                try records.joined(separator: "\n").appending("\n").write(toFile: "\(directory)/\(zone)zone", atomically: true, encoding: .utf8)
            }
            let files = try await dnsfix(["audit", "--file", "\(directory)/example.test.zone",
                                          "--file", "\(directory)/2.0.192.in-addr.arpa.zone", "--json"])
            #expect(files.status == 1, "\(files.stderr)")
            func codes(_ output: String) throws -> [String] {
                let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
                return ((json?["findings"] as? [[String: Any]]) ?? []).map { "\($0["severity"]!) \($0["code"]!) \($0["address"] ?? "-")" }
            }
            // The PTR to stale is one too many beside node-b's; www and old share an address whose PTR names www.
            let expected = ["warning ptr-several-names 192.0.2.12", "note duplicate-address 192.0.2.80",
                            "warning ptr-missing 192.0.2.90", "warning cname-dangling -"]
            let fromTransfer = try codes(axfr.stdout)
            let fromFiles = try codes(files.stdout)
            #expect(fromTransfer == expected)
            #expect(fromFiles == expected)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func aRefusedOrWronglySignedTransferIsAClearError(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let wrong = try await dnsfix(["audit", "--server", server.endpoint, "--key-file", server.keyFile("wrong-secret.key"),
                                          "--axfr", "example.test."])
            #expect(wrong.status == 2)
            #expect(wrong.stderr.contains("zone transfer of example.test. from \(server.endpoint) failed"), "\(wrong.stderr)")
            let unsigned = try await dnsfix(["audit", "--server", server.endpoint, "--axfr", "example.test."])
            #expect(unsigned.status == 2)
            #expect(unsigned.stderr.contains("may not transfer"), "\(unsigned.stderr)")
        }
    }

    @Test func aBrokenZoneFileNamesItsLine() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).zone").path
        try "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\nwww A 192.0.2.300\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await dnsfix(["audit", "--file", "example.test.=\(path)"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):3:"), "\(result.stderr)")
    }
}
