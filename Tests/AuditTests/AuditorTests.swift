import Audit
import DNSModel
import Testing
import ZoneFile

/// Zones written as zone-file text, read by the real zone-file reader.
func zone(_ origin: String, _ body: String) throws -> AuditZone {
    let name = try DNSName(origin)
    let text = "$TTL 300\n@ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300\n@ IN NS ns1.example.test.\n" + body
    let contents = try ZoneFileReader.read(text: text, origin: name, nameForErrors: origin)
    return AuditZone(origin: name, records: contents.records, source: origin)
}

let forwardHeader = "ns1 A 127.0.0.1\n"
let pair = PairFacts(sharedName: try! DNSName("app.example.test."), vips: [try! IPAddress("192.0.2.50")],
                     nodes: [.init(name: "node-a", address: try! IPAddress("192.0.2.11")),
                             .init(name: "node-b", address: try! IPAddress("192.0.2.12"))])

func codes(_ report: AuditReport) -> [String] {
    report.findings.map { "\($0.severity.rawValue) \($0.code.rawValue)" }
}

@Suite struct AuditorTests {
    @Test func aCleanPairZoneHasNoFinding() throws {
        let zones = [
            try zone("example.test.", forwardHeader + "app A 192.0.2.50\nnode-a A 192.0.2.11\nnode-b A 192.0.2.12\n"),
            try zone("2.0.192.in-addr.arpa.", "50 PTR app.example.test.\n11 PTR node-a.example.test.\n12 PTR node-b.example.test.\n1.0.0 PTR ns1.example.test.\n"),
        ]
        let report = Auditor(pair: pair).audit(zones)
        #expect(report.findings.map(\.message) == [])
        #expect(report.isClean)
    }

    @Test func theDataMinerScenario() throws {
        // After a failover with today's tools: the VIP under both node names, its PTR naming node-b.
        let zones = [
            try zone("example.test.", forwardHeader + """
                app A 192.0.2.50
                node-a A 192.0.2.11
                node-a A 192.0.2.50
                node-b A 192.0.2.12
                node-b A 192.0.2.50

                """),
            try zone("2.0.192.in-addr.arpa.", "50 PTR node-b.example.test.\n11 PTR node-a.example.test.\n12 PTR node-b.example.test.\n"),
        ]
        let report = Auditor(pair: pair).audit(zones)
        #expect(codes(report) == ["error vip-ptr-wrong", "error vip-under-other-name", "error vip-under-other-name"])
        #expect(report.findings[1].message.contains("node-a.example.test. (node node-a's own name)"))
        let repairs = RepairPlanner.repairs(for: report, zones: zones)
        #expect(repairs.map { $0.plan.nsupdateScript() } == [
            """
            zone 2.0.192.in-addr.arpa.
            prereq yxrrset 50.2.0.192.in-addr.arpa. IN PTR node-b.example.test.
            update delete 50.2.0.192.in-addr.arpa. IN PTR node-b.example.test.
            update add 50.2.0.192.in-addr.arpa. 300 IN PTR app.example.test.
            send

            """,
            """
            zone example.test.
            prereq yxrrset node-a.example.test. IN A 192.0.2.11
            prereq yxrrset node-a.example.test. IN A 192.0.2.50
            update delete node-a.example.test. IN A 192.0.2.50
            send

            """,
            """
            zone example.test.
            prereq yxrrset node-b.example.test. IN A 192.0.2.12
            prereq yxrrset node-b.example.test. IN A 192.0.2.50
            update delete node-b.example.test. IN A 192.0.2.50
            send

            """,
        ])
    }

    @Test func virtualHostsAreAGroupedNoteUnlessThePTRDisagrees() throws {
        let hosts = (1...300).map { "site\($0) A 192.0.2.80\n" }.joined()
        let zones = [
            try zone("example.test.", forwardHeader + "www A 192.0.2.80\n" + hosts + "old A 192.0.2.81\nnew A 192.0.2.81\n"),
            try zone("2.0.192.in-addr.arpa.", "80 PTR www.example.test.\n81 PTR gone.example.test.\n1.0.0 PTR ns1.example.test.\n"),
        ]
        let report = Auditor().audit(zones)
        let duplicates = report.findings.filter { $0.code == .duplicateAddress }
        #expect(duplicates.count == 2)
        #expect(duplicates[0].severity == .note)
        #expect(duplicates[0].message.hasPrefix("192.0.2.80 is registered under 301 names ("))
        #expect(duplicates[0].message.contains("and 296 more"))
        #expect(duplicates[1].severity == .error, "the PTR names neither: a duplicate registration")
        #expect(report.findings.contains { $0.code == .ptrNotConfirmed && $0.address == (try? IPAddress("192.0.2.81")) })

        let allowed = Auditor(allowed: Set(try (1...300).map { try DNSName("site\($0).example.test.") })).audit(zones)
        #expect(!allowed.findings.contains { $0.code == .duplicateAddress && $0.address == (try? IPAddress("192.0.2.80")) })
    }

    @Test func pointersThatDisagreeOrAreMissing() throws {
        let zones = [
            try zone("example.test.", forwardHeader + "a A 192.0.2.21\nb A 192.0.2.22\nc A 192.0.2.23\nd AAAA 2001:db8::24\n"),
            try zone("2.0.192.in-addr.arpa.", "21 PTR a.example.test.\n21 PTR b.example.test.\n22 PTR b.example.test.\n1.0.0 PTR ns1.example.test.\n"),
        ]
        let report = Auditor().audit(zones)
        #expect(codes(report) == ["warning ptr-several-names", "warning ptr-missing"])
        #expect(report.findings[0].stale.map(\.data) == [.ptr(try DNSName("b.example.test."))],
                "only a resolves back to 192.0.2.21: the PTR to b is stale")
        #expect(report.findings[1].address == (try IPAddress("192.0.2.23")), "no AAAA finding: its reverse zone was not audited")
    }

    @Test func severalConfirmedPTRsAreLeftToTheOperator() throws {
        let zones = [
            try zone("example.test.", forwardHeader + "a A 192.0.2.21\nb A 192.0.2.21\n"),
            try zone("2.0.192.in-addr.arpa.", "21 PTR a.example.test.\n21 PTR b.example.test.\n1.0.0 PTR ns1.example.test.\n"),
        ]
        let report = Auditor().audit(zones)
        let several = report.findings.first { $0.code == .ptrSeveralNames }
        #expect(several?.stale == [], "a and b both resolve back: no way to know which is stale")
    }

    @Test func severalPTRsWithOneConfirmedAreRepaired() throws {
        let zones = [
            try zone("example.test.", forwardHeader + "a A 192.0.2.21\n"),
            try zone("2.0.192.in-addr.arpa.", "21 PTR a.example.test.\n21 PTR old.example.test.\n1.0.0 PTR ns1.example.test.\n"),
        ]
        let report = Auditor().audit(zones)
        #expect(codes(report) == ["warning ptr-several-names"])
        #expect(report.findings[0].stale.map(\.data) == [.ptr(try DNSName("old.example.test."))])
    }

    @Test func sharedNameProblemsInBothModes() throws {
        let forward = try zone("example.test.", forwardHeader + "app A 192.0.2.50\napp A 192.0.2.40\nnode-a A 192.0.2.11\nnode-b A 192.0.2.12\n")
        #expect(codes(Auditor(pair: pair).audit([forward])) == ["error shared-name-wrong-address"])

        let dnsOnly = PairFacts(sharedName: pair.sharedName, vips: [], nodes: pair.nodes)
        let both = try zone("example.test.", forwardHeader + "app A 192.0.2.11\napp A 192.0.2.12\nnode-a A 192.0.2.11\nnode-b A 192.0.2.12\n")
        #expect(codes(Auditor(pair: dnsOnly).audit([both])) == ["error shared-name-several-nodes"])
        let good = try zone("example.test.", forwardHeader + "app A 192.0.2.12\nnode-a A 192.0.2.11\nnode-b A 192.0.2.12\n")
        #expect(Auditor(pair: dnsOnly).audit([good]).isClean, "the shared name on a node's own address is DNS-only mode")
    }

    @Test func cnamesTTLsAndStrayNames() throws {
        let zones = [try zone("example.test.", forwardHeader + """
            web CNAME www
            web TXT "also here"
            lost CNAME nowhere
            outside CNAME www.other.test.
            www A 192.0.2.80
            rr 60 A 192.0.2.90
            rr 120 A 192.0.2.91
            stray.other.test. A 192.0.2.99

            """)]
        let report = Auditor().audit(zones)
        #expect(Set(codes(report)) == ["error cname-with-other-data", "warning cname-dangling", "warning ttl-mismatch", "warning out-of-zone"])
        #expect(report.findings.first { $0.code == .cnameDangling }?.message
            == "lost.example.test. is a CNAME to nowhere.example.test., which does not exist: fix the target or delete the alias")
    }
}
