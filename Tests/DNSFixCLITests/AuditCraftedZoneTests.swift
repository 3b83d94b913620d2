import Foundation
import TestSupport
import Testing

/// Every finding of `dnsfix audit` from a zone crafted to have it: loaded into a real named and
/// knotd and read by AXFR, and the same zone text read as master files. Where a server refuses or
/// normalizes the odd data, the test checks what the server really serves and says so.
@Suite struct AuditCraftedZoneTests {
    static let forwardOrigin = "crafted.test."
    static let reverseOrigin = "100.51.198.in-addr.arpa."
    static let otherReverseOrigin = "113.0.203.in-addr.arpa."
    static let ip6ReverseOrigin = "1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."

    /// The pair's config a case is audited with.
    enum Pair: Sendable {
        /// VIP 198.51.100.50; node-a 198.51.100.11, node-b 198.51.100.12; shared name app.crafted.test.
        case vip
        /// The same without [vip]: DNS-only mode, the shared name points at the active node.
        case dnsOnly
    }

    /// What a server serves of a crafted case, read by AXFR.
    enum Served: Sendable {
        /// The same findings as the zone files.
        case sameAsFiles
        /// These findings: the server changed the data while loading it, its log says so with
        /// `logSays`, and AXFR shows the lines `axfrShows` (for the owner of their first field).
        case findings([String], logSays: String, axfrShows: [String])
        /// The server refuses to load the forward zone; its log says so with this text.
        case refused(logSays: String)
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        /// Origin and text of each crafted zone, forward first.
        let zones: [(origin: String, text: String)]
        var pair: Pair?
        /// Findings of the zone files, as "severity code address" ("-" for none).
        let fromFiles: [String]
        var bind: Served = .sameAsFiles
        var knot: Served = .sameAsFiles

        var description: String { name }

        func served(by kind: DNSServerKind) -> Served { kind == .bind ? bind : knot }
    }

    // MARK: The crafted zones

    /// A forward zone crafted.test.: SOA, NS and the NS's address (in 192.0.2.0/24, whose reverse
    /// zone is never audited here), then `body`.
    static func forward(_ body: String) -> String {
        """
        $TTL 300
        @ SOA ns1 hostmaster 1 3600 600 86400 300
        @ NS ns1
        ns1 A 192.0.2.1

        """ + body
    }

    /// A reverse zone with SOA and NS (in crafted.test.), then `body`.
    static func reverse(_ body: String) -> String {
        """
        $TTL 300
        @ SOA ns1.crafted.test. hostmaster.crafted.test. 1 3600 600 86400 300
        @ NS ns1.crafted.test.

        """ + body
    }

    static let cases: [Case] = [
        Case(
            name: "duplicate-address",
            zones: [
                (forwardOrigin, forward("""
                    www A 198.51.100.10
                    old A 198.51.100.10
                    stale A 203.0.113.20
                    new A 203.0.113.20

                    """)),
                (reverseOrigin, reverse("10 PTR www.crafted.test.\n")),
                // The PTR names neither name: an error, and the PTR is not confirmed either.
                (otherReverseOrigin, reverse("20 PTR gone.crafted.test.\n")),
            ],
            fromFiles: ["note duplicate-address 198.51.100.10",
                        "error duplicate-address 203.0.113.20", "warning ptr-not-confirmed 203.0.113.20"]),
        Case(
            name: "ptr-several-names",
            zones: [
                (forwardOrigin, forward("a A 198.51.100.11\n")),
                (reverseOrigin, reverse("11 PTR a.crafted.test.\n11 PTR b.crafted.test.\n")),
            ],
            fromFiles: ["warning ptr-several-names 198.51.100.11"]),
        Case(
            name: "ptr-not-confirmed",
            zones: [
                (forwardOrigin, forward("c A 198.51.100.12\nd A 198.51.100.13\n")),
                (reverseOrigin, reverse("12 PTR d.crafted.test.\n13 PTR d.crafted.test.\n")),
            ],
            fromFiles: ["warning ptr-not-confirmed 198.51.100.12"]),
        Case(
            name: "ptr-missing",
            zones: [
                (forwardOrigin, forward("e A 198.51.100.14\ne AAAA 2001:db8:1::14\nf A 198.51.100.15\n")),
                (reverseOrigin, reverse("15 PTR f.crafted.test.\n")),
                (ip6ReverseOrigin, reverse("")),
            ],
            fromFiles: ["warning ptr-missing 198.51.100.14", "warning ptr-missing 2001:db8:1::14"]),
        // IPv6 pointers, with upper-case nibbles: ::1a points at h, which has ::1b only; ::1b is confirmed.
        Case(
            name: "ptr-not-confirmed-ipv6",
            zones: [
                (forwardOrigin, forward("g AAAA 2001:db8:1::1a\nh AAAA 2001:db8:1::1b\n")),
                (ip6ReverseOrigin, reverse("""
                    A.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR h.crafted.test.
                    b.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR h.crafted.test.

                    """)),
            ],
            fromFiles: ["warning ptr-not-confirmed 2001:db8:1::1a"]),
        Case(
            name: "cname-dangling",
            zones: [(forwardOrigin, forward("lost CNAME nowhere.crafted.test.\nfound CNAME ns1\n"))],
            fromFiles: ["warning cname-dangling -"]),
        Case(
            name: "cname-with-other-data",
            zones: [(forwardOrigin, forward("both CNAME ns1\nboth TXT \"other data\"\n"))],
            fromFiles: ["error cname-with-other-data -"],
            // Both refuse the whole zone: BIND always, Knot even with semantic-checks off (a
            // CNAME beside other data is one of its mandatory checks). Dynamic updates cannot
            // create it either, so a server never serves this finding.
            bind: .refused(logSays: "both.crafted.test: CNAME and other data"),
            knot: .refused(logSays: "node both.crafted.test., another record exists beside CNAME")),
        Case(
            name: "ttl-mismatch",
            zones: [(forwardOrigin, forward("mixed 300 A 192.0.2.15\nmixed 600 A 192.0.2.16\n"))],
            fromFiles: ["warning ttl-mismatch -"],
            // Both give the RRset one TTL while loading, so AXFR shows no mismatch; but not the
            // same one: BIND keeps the first record's (300), Knot takes the 600 it logs.
            bind: .findings([], logSays: "crafted.test.zone:6: TTL set to prior TTL (300)",
                            axfrShows: ["mixed.crafted.test. 300 IN A 192.0.2.15", "mixed.crafted.test. 300 IN A 192.0.2.16"]),
            knot: .findings([], logSays: "TTL mismatch, owner mixed.crafted.test., type A, TTL set to 600",
                            axfrShows: ["mixed.crafted.test. 600 IN A 192.0.2.15", "mixed.crafted.test. 600 IN A 192.0.2.16"])),
        Case(
            name: "out-of-zone",
            zones: [(forwardOrigin, forward("stray.elsewhere.test. A 192.0.2.17\n"))],
            fromFiles: ["warning out-of-zone -"],
            // Both ignore a record outside the zone while loading (and load the rest): AXFR never
            // carries one.
            bind: .findings([], logSays: "ignoring out-of-zone data (stray.elsewhere.test)",
                            axfrShows: []),
            knot: .findings([], logSays: "ignoring out-of-zone data, owner stray.elsewhere.test.",
                            axfrShows: [])),
        Case(
            name: "vip-under-other-name and vip-ptr-wrong",
            zones: [
                (forwardOrigin, forward("""
                    app A 198.51.100.50
                    node-a A 198.51.100.11
                    node-a A 198.51.100.50
                    node-b A 198.51.100.12

                    """)),
                (reverseOrigin, reverse("""
                    11 PTR node-a.crafted.test.
                    12 PTR node-b.crafted.test.
                    50 PTR node-a.crafted.test.

                    """)),
            ],
            pair: .vip,
            fromFiles: ["error vip-ptr-wrong 198.51.100.50", "error vip-under-other-name 198.51.100.50"]),
        Case(
            name: "shared-name-wrong-address and shared-name-missing-address",
            zones: [
                (forwardOrigin, forward("""
                    app A 198.51.100.99
                    node-a A 198.51.100.11
                    node-b A 198.51.100.12

                    """)),
                (reverseOrigin, reverse("""
                    11 PTR node-a.crafted.test.
                    12 PTR node-b.crafted.test.
                    50 PTR app.crafted.test.
                    99 PTR app.crafted.test.

                    """)),
            ],
            pair: .vip,
            fromFiles: ["warning shared-name-missing-address 198.51.100.50", "error shared-name-wrong-address 198.51.100.99"]),
        Case(
            name: "shared-name-several-nodes",
            zones: [
                (forwardOrigin, forward("""
                    app A 198.51.100.11
                    app A 198.51.100.12
                    node-a A 198.51.100.11
                    node-b A 198.51.100.12

                    """)),
                (reverseOrigin, reverse("11 PTR node-a.crafted.test.\n12 PTR node-b.crafted.test.\n")),
            ],
            pair: .dnsOnly,
            fromFiles: ["error shared-name-several-nodes 198.51.100.11"]),
    ]

    // MARK: Helpers

    func dnsfix(_ arguments: [String]) async throws -> ProcessResult {
        try await runProcess(ProjectPaths.product("dnsfix"), arguments, timeout: 60)
    }

    /// "severity code address" of each finding of `dnsfix audit --json`, in report order.
    func findings(_ result: ProcessResult) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let findings = try #require(json?["findings"] as? [[String: Any]], "no findings[] in: \(result.stdout) \(result.stderr)")
        return findings.map { "\($0["severity"]!) \($0["code"]!) \($0["address"] ?? "-")" }
    }

    /// Writes the pair's config for `pair` into `directory`; returns its path.
    func writeConfig(_ pair: Pair, server: RunningDNSServer, in directory: String) throws -> String {
        let path = directory + "/dnsfix.toml"
        let vip = pair == .vip ? "[vip]\naddresses = [\"198.51.100.50\"]\n" : ""
        try """
            [pair]
            name = "app"
            nodes = [ { name = "node-a", address = "198.51.100.11" },
                      { name = "node-b", address = "198.51.100.12" } ]
            \(vip)[dns]
            server = "\(server.endpoint)"
            zone = "\(Self.forwardOrigin)"
            name = "app.\(Self.forwardOrigin)"
            key_file = "\(server.keyFile())"

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Waits (at most 5 s) until the server's log contains `text`.
    func waitForLog(_ server: RunningDNSServer, containing text: String) async throws -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let log = try? String(contentsOfFile: server.logFile, encoding: .utf8), log.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    // MARK: The test

    @Test(arguments: cases, DNSServerKind.allCases)
    func aCraftedZoneGivesItsFinding(_ crafted: Case, kind: DNSServerKind) async throws {
        let served = crafted.served(by: kind)
        var zones = crafted.zones.map { CraftedZone(origin: $0.origin, text: $0.text) }
        if case .refused = served {
            zones[0] = CraftedZone(origin: zones[0].origin, text: zones[0].text, mustLoad: false)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crafted-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        try await withDNSServer(kind, zones: zones) { server in
            var common = ["audit", "--json"]
            if let pair = crafted.pair {
                common += ["--config", try writeConfig(pair, server: server, in: directory)]
            } else {
                common += ["--server", server.endpoint, "--key-file", server.keyFile()]
            }

            // The same text as master files.
            var fileArguments = common
            for zone in zones {
                let path = directory + "/" + zone.fileName
                try zone.text.write(toFile: path, atomically: true, encoding: .utf8)
                fileArguments += ["--file", "\(zone.origin)=\(path)"]
            }
            let files = try await dnsfix(fileArguments)
            #expect(files.status == 1, "\(files.stdout) \(files.stderr)")
            let fromFiles = try findings(files)
            #expect(fromFiles == crafted.fromFiles)

            // By AXFR from the server.
            let axfr = try await dnsfix(common + zones.flatMap { ["--axfr", $0.origin] })
            switch served {
            case .sameAsFiles:
                #expect(axfr.status == 1, "\(axfr.stdout) \(axfr.stderr)")
                let fromTransfer = try findings(axfr)
                #expect(fromTransfer == crafted.fromFiles)
                #expect(fromTransfer == fromFiles)
            case .findings(let expected, let text, let shown):
                #expect(try await waitForLog(server, containing: text), "\(server.logTail())")
                #expect(axfr.status == (expected.isEmpty ? 0 : 1), "\(axfr.stdout) \(axfr.stderr)")
                #expect(try findings(axfr) == expected)
                #expect(expected != fromFiles, "the server changed nothing: expect .sameAsFiles")
                // The first line's owner, or for none the out-of-zone owner that must be missing.
                let owner = shown.first.map { String($0.split(separator: " ")[0]) } ?? "stray.elsewhere.test."
                let lines = try await server.axfr(Self.forwardOrigin)
                #expect(lines.filter { $0.hasPrefix(owner + " ") }.sorted() == shown, "\(lines)")
            case .refused(let text):
                #expect(try await waitForLog(server, containing: text), "\(server.logTail())")
                #expect(axfr.status == 2, "\(axfr.stdout) \(axfr.stderr)")
                #expect(axfr.stdout.contains("zone transfer of \(Self.forwardOrigin)") || axfr.stderr.contains("zone transfer of \(Self.forwardOrigin)"),
                        "\(axfr.stdout) \(axfr.stderr)")
                await #expect(throws: (any Error).self) { try await server.axfr(Self.forwardOrigin) }
            }
        }
    }

    /// The fixture serves crafted zones beside the fixed ones, and nsupdate finds their zone.
    @Test(arguments: DNSServerKind.allCases)
    func craftedZonesAreServedBesideTheFixedOnes(kind: DNSServerKind) async throws {
        let zones = [CraftedZone(origin: Self.forwardOrigin, text: Self.forward("www A 198.51.100.10\n")),
                     CraftedZone(origin: Self.reverseOrigin, text: Self.reverse("10 PTR www.crafted.test.\n"))]
        try await withDNSServer(kind, zones: zones) { server in
            #expect(server.allZones == RunningDNSServer.zones + [Self.forwardOrigin, Self.reverseOrigin])
            #expect(try await server.dig("www.crafted.test.", "A") == ["198.51.100.10"])
            #expect(try await server.dig("10.100.51.198.in-addr.arpa.", "PTR") == ["www.crafted.test."])
            #expect(try await server.dig("www.example.test.", "A").isEmpty == false)
            #expect(try await server.axfr(Self.forwardOrigin).count == 5)
            let update = try await server.nsupdate(["update add new.crafted.test. 300 IN A 198.51.100.11"])
            #expect(update.status == 0, "\(update.stderr)")
            #expect(try await server.dig("new.crafted.test.", "A") == ["198.51.100.11"])
        }
    }
}
