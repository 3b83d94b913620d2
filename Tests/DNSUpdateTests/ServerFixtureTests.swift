import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Smoke tests of the real-server fixture (TestSupport) against both BIND and Knot, with the stock
/// tools (dig, nsupdate): if these fail, DNSUpdate's own tests against the servers mean nothing.
@Suite("DNS server fixture")
struct ServerFixtureTests {
    static let kinds = DNSServerKind.allCases

    @Test("serves the SOA and the records of all three zones", arguments: kinds)
    func servesAllZones(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            #expect(server.address == "127.0.0.1")
            #expect(server.endpoint == "127.0.0.1:\(server.port)")
            for zone in RunningDNSServer.zones {
                let soa = try await server.dig(zone, "SOA")
                #expect(soa == ["ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300"], "\(zone)")
                #expect(try await server.dig(zone, "NS") == ["ns1.example.test."], "\(zone)")
            }
            #expect(try await server.dig("ns1.example.test.", "A") == ["127.0.0.1"])
            #expect(try await server.dig("node-a.example.test.", "A") == ["192.0.2.11"])
            #expect(try await server.dig("node-b.example.test.", "A") == ["192.0.2.12"])
            #expect(try await server.dig("node-a.example.test.", "AAAA") == ["2001:db8::11"])
            #expect(try await server.dig("node-b.example.test.", "AAAA") == ["2001:db8::12"])
            #expect(try await server.dig("www.example.test.", "A") == ["192.0.2.80"])
            #expect(try await server.dig("web.example.test.", "CNAME") == ["www.example.test."])
            #expect(try await server.dig("example.test.", "TXT") == ["\"dnsfix test zone\""])
            #expect(try await server.dig("11.2.0.192.in-addr.arpa.", "PTR") == ["node-a.example.test."])
            #expect(try await server.dig("12.2.0.192.in-addr.arpa.", "PTR") == ["node-b.example.test."])
            #expect(try await server.dig("80.2.0.192.in-addr.arpa.", "PTR") == ["www.example.test."])
            #expect(try await server.dig(Self.reverseName("2001:db8::11"), "PTR") == ["node-a.example.test."])
            #expect(try await server.dig(Self.reverseName("2001:db8::12"), "PTR") == ["node-b.example.test."])
            #expect(try await server.dig("absent.example.test.", "A") == [])
        }
    }

    @Test(
        "a signed update is applied",
        arguments: kinds, RunningDNSServer.allowedKeyFiles)
    func signedUpdateIsApplied(kind: DNSServerKind, key: String) async throws {
        try await withDNSServer(kind) { server in
            let name = "fixture-\(key.replacingOccurrences(of: ".", with: "-")).example.test."
            let result = try await server.nsupdate(["update add \(name) 60 A 192.0.2.99"], keyFile: server.keyFile(key))
            #expect(result.succeeded, "\(result)\n\(server.logTail())")
            #expect(try await server.dig(name, "A") == ["192.0.2.99"])
            #expect(try await server.serial() > 1)
        }
    }

    @Test("updates reach both reverse zones and replace RRsets", arguments: kinds)
    func reverseAndReplace(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let v6 = Self.reverseName("2001:db8::50")
            let result = try await server.nsupdate([
                "update add 50.2.0.192.in-addr.arpa. 60 PTR app.example.test.",
                "send",
                "update add \(v6) 60 PTR app.example.test.",
                "send",
                "update delete node-a.example.test. A",
                "update add node-a.example.test. 60 A 192.0.2.50",
                "send",
            ])
            #expect(result.succeeded, "\(result)\n\(server.logTail())")
            #expect(try await server.dig("50.2.0.192.in-addr.arpa.", "PTR") == ["app.example.test."])
            #expect(try await server.dig(v6, "PTR") == ["app.example.test."])
            #expect(try await server.dig("node-a.example.test.", "A") == ["192.0.2.50"])
        }
    }

    @Test("a wrong secret or an unknown key is refused and changes nothing",
          arguments: kinds, RunningDNSServer.rejectedKeyFiles)
    func rejectedKeyChangesNothing(kind: DNSServerKind, key: String) async throws {
        try await withDNSServer(kind) { server in
            let result = try await server.nsupdate(
                ["update add rejected.example.test. 60 A 192.0.2.98", "update delete node-a.example.test. A"],
                keyFile: server.keyFile(key))
            #expect(!result.succeeded)
            let expected = key == "unknown.key" ? "BADKEY" : "BADSIG"
            #expect(result.stderr.contains("NOTAUTH(\(expected))"), "\(result)")
            #expect(try await server.dig("rejected.example.test.", "A") == [])
            #expect(try await server.dig("node-a.example.test.", "A") == ["192.0.2.11"])
            #expect(try await server.serial() == 1)
        }
    }

    @Test("an unsigned update is refused", arguments: kinds)
    func unsignedUpdateIsRefused(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let result = try await server.nsupdateUnsigned(["update add unsigned.example.test. 60 A 192.0.2.97"])
            #expect(!result.succeeded)
            // BIND says REFUSED, Knot NOTAUTH.
            #expect(result.stderr.contains("REFUSED") || result.stderr.contains("NOTAUTH"), "\(result)")
            #expect(try await server.dig("unsigned.example.test.", "A") == [])
            #expect(try await server.serial() == 1)
        }
    }

    @Test("AXFR works with the key and only with it", arguments: kinds)
    func transfer(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let records = try await server.axfr("example.test.")
            #expect(records.first?.contains(" SOA ns1.example.test. ") == true)
            #expect(records.last == records.first)
            #expect(records.contains("node-a.example.test. 300 IN A 192.0.2.11"))
            #expect(records.contains("node-b.example.test. 300 IN AAAA 2001:db8::12"))
            #expect(records.contains("web.example.test. 300 IN CNAME www.example.test."))
            #expect(records.count == 12, "\(records)")  // 11 records and the closing SOA
            for zone in RunningDNSServer.zones {
                #expect(try await server.axfr(zone, keyFile: server.keyFile("test-sha512.key")).count >= 3)
            }
            for key in RunningDNSServer.rejectedKeyFiles {
                await #expect(throws: (any Error).self, "AXFR with \(key)") { try await server.axfr("example.test.", keyFile: server.keyFile(key)) }
            }
            let unsigned = try await server.digCommand(["+noall", "+answer", "example.test.", "AXFR"])
            #expect(unsigned.stdout.contains("Transfer failed"), "\(unsigned)")
            #expect(!unsigned.stdout.contains("192.0.2.11"))
        }
    }

    @Test("servers are independent, and stopped and removed afterwards, also when the body throws",
          arguments: kinds)
    func lifecycle(kind: DNSServerKind) async throws {
        struct Boom: Error {}
        let (first, second) = try await withDNSServer(kind) { a in
            try await withDNSServer(kind) { b in
                #expect(a.port != b.port)
                #expect(a.workDirectory != b.workDirectory)
                let result = try await a.nsupdate(["update add only-in-a.example.test. 60 A 192.0.2.1"])
                #expect(result.succeeded, "\(result)")
                #expect(try await a.dig("only-in-a.example.test.", "A") == ["192.0.2.1"])
                #expect(try await b.dig("only-in-a.example.test.", "A") == [])
                #expect(FileManager.default.fileExists(atPath: a.workDirectory + "/server.log"))
                #expect(kill(a.pid, 0) == 0)
                return (a, b)
            }
        }
        for server in [first, second] {
            #expect(kill(server.pid, 0) != 0, "pid \(server.pid) still alive")
            #expect(!FileManager.default.fileExists(atPath: server.workDirectory))
        }
        var thrown: RunningDNSServer?
        await #expect(throws: Boom.self) {
            try await withDNSServer(kind) { server in
                thrown = server
                throw Boom()
            }
        }
        let server = try #require(thrown)
        #expect(kill(server.pid, 0) != 0)
        #expect(!FileManager.default.fileExists(atPath: server.workDirectory))
        #expect(server.startupSeconds < 10)
    }

    @Test("cancelling the task stops the server", arguments: kinds)
    func cancellation(kind: DNSServerKind) async throws {
        let seen = SeenServer()
        let task = Task {
            try await withDNSServer(kind) { server in
                seen.set(server)
                try await Task.sleep(nanoseconds: 60_000_000_000)
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while seen.get() == nil, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        let server = try #require(seen.get())
        #expect(kill(server.pid, 0) != 0)
        #expect(!FileManager.default.fileExists(atPath: server.workDirectory))
    }

    final class SeenServer: @unchecked Sendable {
        private let lock = NSLock()
        private var server: RunningDNSServer?
        func set(_ value: RunningDNSServer) { lock.lock(); server = value; lock.unlock() }
        func get() -> RunningDNSServer? { lock.lock(); defer { lock.unlock() }; return server }
    }

    /// The ip6.arpa name of an IPv6 address (expanded, nibbles reversed).
    static func reverseName(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        precondition(inet_pton(AF_INET6, address, &bytes) == 1)
        let nibbles = bytes.flatMap { [$0 >> 4, $0 & 0xf] }.reversed().map { String($0, radix: 16) }
        return nibbles.joined(separator: ".") + ".ip6.arpa."
    }
}
