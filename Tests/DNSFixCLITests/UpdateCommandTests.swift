import Foundation
import TestSupport
import Testing

/// `dnsfix update` as a restart script runs it: the built binary, real servers, exit codes.
@Suite struct UpdateCommandTests {
    func dnsfix(_ arguments: [String]) async throws -> ProcessResult {
        try await runProcess(ProjectPaths.product("dnsfix"), arguments, timeout: 60)
    }

    func base(_ server: RunningDNSServer, name: String) -> [String] {
        ["update", "--server", server.endpoint, "--key-file", server.keyFile(), "--zone", "example.test.", "--name", name]
    }

    func unique(_ prefix: String) -> String { "\(prefix)-\(UInt32.random(in: 0...UInt32.max)).example.test." }

    @Test(arguments: DNSServerKind.allCases)
    func replaceIdempotencyAndRemove(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let name = unique("app")
            let set = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.50", "--address", "2001:db8::50", "--ttl", "45"])
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.stdout.contains("set to 192.0.2.50, 2001:db8::50"))
            #expect(try await server.dig(name, "A") == ["192.0.2.50"])
            #expect(try await server.dig(name, "AAAA") == ["2001:db8::50"])

            let again = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.50", "--address", "2001:db8::50", "--ttl", "45"])
            #expect(again.status == 0)
            #expect(again.stdout.contains("nothing sent"))

            let moved = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.51"])
            #expect(moved.status == 0, "\(moved.stderr)")
            #expect(try await server.dig(name, "A") == ["192.0.2.51"])
            #expect(try await server.dig(name, "AAAA").isEmpty, "replace means exactly the given addresses")

            let removed = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.51", "--remove"])
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(try await server.dig(name, "A").isEmpty)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func compareAndSwapExitsThreeAndChangesNothing(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let name = unique("cas")
            #expect(try await dnsfix(base(server, name: name) + ["--address", "192.0.2.40"]).status == 0)
            let lost = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.50", "--expect-current", "192.0.2.41"])
            #expect(lost.status == 3)
            #expect(lost.stderr.contains("prerequisite failed"))
            #expect(try await server.dig(name, "A") == ["192.0.2.40"])
            let won = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.50", "--expect-current", "192.0.2.40"])
            #expect(won.status == 0, "\(won.stderr)")
            #expect(try await server.dig(name, "A") == ["192.0.2.50"])
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func ptrDryRunAndJSON(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let name = unique("ptr")
            let octet = Int.random(in: 100...250)
            let dry = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.\(octet)", "--ptr", "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("update add \(name) 30 IN A 192.0.2.\(octet)"))
            #expect(dry.stdout.contains("zone 2.0.192.in-addr.arpa."))
            #expect(dry.stdout.contains("update add \(octet).2.0.192.in-addr.arpa. 30 IN PTR \(name)"))
            #expect(try await server.dig(name, "A").isEmpty, "a dry run sends nothing")

            let result = try await dnsfix(base(server, name: name) + ["--address", "192.0.2.\(octet)", "--ptr", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(json?["status"] as? String == "ok")
            #expect(json?["changed"] as? Bool == true)
            #expect((json?["messages"] as? [String])?.count == 2)
            #expect(try await server.dig("\(octet).2.0.192.in-addr.arpa.", "PTR") == [name])
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func aSkewedClockIsNamed(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let name = unique("skew")
            // faketime shifts only this process's clock: the TSIG time is two hours off the server's.
            let result = try await runProcess("faketime", ["-f", "-2h", ProjectPaths.product("dnsfix")]
                + base(server, name: name) + ["--address", "192.0.2.50"], timeout: 60)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("the clocks differ (BADTIME)"), "\(result.stderr)")
            #expect(try await server.dig(name, "A").isEmpty)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func aWrongKeyIsNamedAndChangesNothing(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let name = unique("wrong")
            let arguments = ["update", "--server", server.endpoint, "--key-file", server.keyFile("wrong-secret.key"),
                             "--zone", "example.test.", "--name", name, "--address", "192.0.2.50"]
            let result = try await dnsfix(arguments)
            #expect(result.status == 1)
            #expect(result.stderr.contains("BADSIG"))
            #expect(result.stderr.contains("the secret is wrong"))
            #expect(try await server.dig(name, "A").isEmpty)
            let json = try await dnsfix(arguments + ["--json"])
            #expect(json.stdout.contains("\"status\":\"error\""))
            #expect(!json.stdout.contains("pUoUd3k0"), "no secret in output")
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func anUpdateTheServerDoesNotApplyIsAnError(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            // RFC 2136 §3.4.2.2: an address added beside a CNAME is silently ignored; only the
            // read-back shows that nothing changed.
            let result = try await dnsfix(base(server, name: "web.example.test.") + ["--address", "192.0.2.50"])
            #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("was accepted but did not take effect"), "\(result.stderr)")
            #expect(try await server.dig("web.example.test.", "CNAME") == ["www.example.test."])
            #expect(try await !server.dig("web.example.test.", "A").contains("192.0.2.50"), "the A answer is www's, through the CNAME")
        }
    }

    @Test func checkValidatesAConfigLikeKeepalivedT() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/dnsfix.toml"
        let valid = """
            [pair]
            name = "app"
            nodes = [ { name = "node-a", address = "192.0.2.11" }, { name = "node-b", address = "192.0.2.12" } ]
            preference = "node-a"
            [vip]
            addresses = ["192.0.2.50"]
            """
        try valid.write(toFile: path, atomically: true, encoding: .utf8)
        let good = try await dnsfix(["check", "--config", path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("VIP 192.0.2.50"))
        #expect(good.stdout.contains("heartbeat networks (node-a <-> node-b): 0: 192.0.2.11 <-> 192.0.2.12\n"), "\(good.stdout)")
        #expect(good.stdout.contains("\(path): valid"))

        try valid.replacingOccurrences(of: "preference = \"node-a\"", with: "preference = true")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try await dnsfix(["check", "--config", path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(path):4: pair.preference: must be a string, not bool"), "\(bad.stderr)")
    }

    @Test func anUnreachableServerExitsFourWithinBoundedTime() async throws {
        let port = try freeLoopbackPort()
        let started = ContinuousClock.now
        let result = try await dnsfix(["update", "--server", "127.0.0.1:\(port)", "--key-file", ProjectPaths.zones + "/keys/test.key",
                                       "--zone", "example.test.", "--name", "app.example.test.", "--address", "192.0.2.50",
                                       "--timeout", "0.5"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("DNS server 127.0.0.1:\(port) is unreachable"))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test(arguments: [
        (["--address", "192.0.2.300"], "\"192.0.2.300\" is not an IPv4 or IPv6 address"),
        (["--address", "192.0.2.50", "--name", "app.elsewhere.test."], "app.elsewhere.test. is not in zone example.test."),
        (["--address", "192.0.2.50", "--key-file", "/nonexistent/test.key"], "cannot read the TSIG key file /nonexistent/test.key: no such file"),
        (["--address", "192.0.2.50", "--key", "dnsfix-test:hmac-sha256:***"], "is not valid base64"),
        (["--frobnicate"], "Unknown option '--frobnicate'"),
        ([], "give at least one --address"),
    ])
    func badInputExitsTwoWithAClearMessage(extra: [String], message: String) async throws {
        // No server is needed: bad input is caught before anything is sent.
        var arguments = ["update", "--server", "127.0.0.1:9", "--zone", "example.test.", "--name", "app.example.test."]
        if !extra.contains("--key") && !extra.contains("--key-file") {
            arguments += ["--key-file", ProjectPaths.zones + "/keys/test.key"]
        }
        let result = try await dnsfix(arguments + extra)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aMalformedKeyFileIsNamed() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).key").path
        try "key \"k\" {\n algorithm hmac-sha256;\n secret \"%%%\";\n};\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await dnsfix(["update", "--server", "127.0.0.1:9", "--zone", "example.test.", "--name", "app.example.test.",
                                       "--address", "192.0.2.50", "--key-file", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path) line 1: the secret of key k. is not valid base64"))
    }

    @Test(arguments: DNSServerKind.allCases)
    func takesItsSettingsFromTheConfigFile(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let name = unique("cfg")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let config = """
                [pair]
                name = "app"
                nodes = [ { name = "node-a", address = "192.0.2.11" },
                          { name = "node-b", address = "192.0.2.12" } ]
                [dns]
                server = "\(server.endpoint)"
                zone = "example.test."
                name = "\(name)"
                ttl = 20
                key_file = "\(server.keyFile())"
                ptr = false
                """
            try config.write(toFile: directory + "/dnsfix.toml", atomically: true, encoding: .utf8)
            // DNS-only mode: the shared name points at this node's own address.
            let result = try await dnsfix(["update", "--config", directory + "/dnsfix.toml", "--node", "node-b"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try await server.dig(name, "A") == ["192.0.2.12"])

            try config.replacingOccurrences(of: "ttl = 20", with: "ttl = \"20\"")
                .write(toFile: directory + "/dnsfix.toml", atomically: true, encoding: .utf8)
            let broken = try await dnsfix(["update", "--config", directory + "/dnsfix.toml", "--node", "node-b"])
            #expect(broken.status == 2)
            #expect(broken.stderr.contains("\(directory)/dnsfix.toml:9: dns.ttl: must be a whole number"), "\(broken.stderr)")
        }
    }
}
