import DNSModel
import DNSUpdate
import Foundation
import TestSupport
import Testing

@Suite struct DNSClientTests {
    /// The agent keeps one client for days: a server that stopped answering is asked again once it is
    /// back (ldns alone would have marked it down for good).
    @Test(arguments: DNSServerKind.allCases)
    func aServerThatWasDownIsAskedAgainOnceItIsBack(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let client = try DNSClient(server: ServerEndpoint(host: server.address, port: server.port), key: nil, timeout: 0.3,
                                       udpTries: 1)
            #expect(try client.records(name("node-a.example.test."), .a).count == 1)
            // Paused by its PID, which this test's fixture started: it neither answers nor refuses.
            kill(server.pid, SIGSTOP)
            defer { kill(server.pid, SIGCONT) }
            // The stop reaches every thread of the server a moment later.
            try await Task.sleep(for: .milliseconds(100))
            #expect(throws: DNSError.self) { try client.records(name("node-a.example.test."), .a) }
            kill(server.pid, SIGCONT)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try client.records(name("node-a.example.test."), .a).count == 1)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func queriesGoStraightToThePrimary(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let client = try server.client()
            #expect(try client.records(name("node-a.example.test."), .a) == [addressRecord(name("node-a.example.test."), "192.0.2.11", ttl: 300)])
            #expect(try client.records(name("node-a.example.test."), .aaaa).map(\.data) == [.address(ip("2001:db8::11"))])
            #expect(try client.records(name("11.2.0.192.in-addr.arpa."), .ptr).map(\.data) == [.ptr(name("node-a.example.test."))])
            #expect(try client.records(name("web.example.test."), .cname).map(\.data) == [.cname(name("www.example.test."))])
            #expect(try client.records(name("www.example.test."), .txt).map(\.data) == [.txt(["v=dnsfix-test web server"])])
            #expect(try client.records(name("example.test."), .ns).map(\.data) == [.ns(name("ns1.example.test."))])
            #expect(try client.records(name("nothing-here.example.test."), .a).isEmpty)
            let soa = try client.query(exampleZone, .soa)
            #expect(soa.authoritative)
            guard case .soa(let start)? = soa.answer.first?.data else {
                Issue.record("no SOA in \(soa.answer)")
                return
            }
            #expect(start.primary == name("ns1.example.test."))
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func theZoneIsFoundByWalkingUpToTheSOA(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let client = try server.client()
            #expect(try client.zone(containing: name("a.b.c.example.test.")).zone == exampleZone)
            #expect(try client.zone(containing: exampleZone).zone == exampleZone)
            #expect(try client.zone(containing: ip("192.0.2.50").reverseName).zone == reverseV4Zone)
            #expect(try client.zone(containing: ip("2001:db8::50").reverseName).zone == reverseV6Zone)
            #expect(throws: DNSError.noZone(name: name("app.elsewhere.test."), server: server.serverEndpoint)) {
                try client.zone(containing: name("app.elsewhere.test."))
            }
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func thePrimaryIsFoundFromTheSOAMNAME(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            // The server plays the recursive resolver here; the zone's MNAME ns1 has address 127.0.0.1.
            let found = try DNSClient.discoverPrimary(for: name("app.example.test."), resolver: server.serverEndpoint,
                                                      port: server.port)
            #expect(found.zone == exampleZone)
            #expect(found.primary == ServerEndpoint(host: "127.0.0.1", port: server.port))
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func everyUpdateForm(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let client = try server.client()
            let owner = name("\(uniqueLabel("forms")).example.test.")
            try client.send(UpdatePlan(zone: exampleZone, operations: [
                .add(addressRecord(owner, "192.0.2.61")), .add(addressRecord(owner, "192.0.2.62")),
                .add(ResourceRecord(name: owner, ttl: 30, data: .txt(["hello world"]))),
            ]))
            #expect(try await server.dig(owner.description, "A") == ["192.0.2.61", "192.0.2.62"])
            #expect(try await server.dig(owner.description, "TXT") == ["\"hello world\""])

            try client.send(UpdatePlan(zone: exampleZone, operations: [.deleteRecord(owner, .address(ip("192.0.2.61")))]))
            #expect(try await server.dig(owner.description, "A") == ["192.0.2.62"])

            try client.send(UpdatePlan(zone: exampleZone, operations: [.deleteRRset(owner, .a)]))
            #expect(try await server.dig(owner.description, "A").isEmpty)
            #expect(try await server.dig(owner.description, "TXT") == ["\"hello world\""])

            try client.send(UpdatePlan(zone: exampleZone, operations: [.deleteName(owner)]))
            #expect(try await server.dig(owner.description, "TXT").isEmpty)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func everyPrerequisiteForm(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let client = try server.client()
            let present = name("\(uniqueLabel("present")).example.test.")
            let absent = name("\(uniqueLabel("absent")).example.test.")
            let marker = name("\(uniqueLabel("marker")).example.test.")
            try client.send(UpdatePlan(zone: exampleZone, operations: [.add(addressRecord(present, "192.0.2.70"))]))

            func attempt(_ prerequisite: Prerequisite) throws {
                try client.send(UpdatePlan(zone: exampleZone, prerequisites: [prerequisite],
                                           operations: [.add(ResourceRecord(name: marker, ttl: 30, data: .txt(["\(prerequisite)"])))]))
            }
            let holding: [Prerequisite] = [
                .nameInUse(present), .nameNotInUse(absent), .rrsetExists(present, .a),
                .rrsetEquals(present, [.address(ip("192.0.2.70"))]), .rrsetDoesNotExist(present, .aaaa),
            ]
            for prerequisite in holding { try attempt(prerequisite) }
            #expect(try await server.dig(marker.description, "TXT").count == holding.count)

            let failing: [(Prerequisite, ResponseCode)] = [
                (.nameInUse(absent), .nxDomain), (.nameNotInUse(present), .yxDomain),
                (.rrsetExists(present, .aaaa), .nxRRset), (.rrsetEquals(present, [.address(ip("192.0.2.71"))]), .nxRRset),
                (.rrsetDoesNotExist(present, .a), .yxRRset),
            ]
            for (prerequisite, rcode) in failing {
                #expect(throws: DNSError.prerequisiteFailed(rcode: rcode, zone: exampleZone)) { try attempt(prerequisite) }
            }
            #expect(try await server.dig(marker.description, "TXT").count == holding.count, "a failed prerequisite changed nothing")
        }
    }

    @Test(arguments: DNSServerKind.allCases, ["test.key", "test-sha512.key", "test-sha1.key"])
    func everyTSIGAlgorithmSigns(kind: DNSServerKind, keyFile: String) async throws {
        try await withDNSServer(kind) { server in
            let client = try server.client(key: keyFile)
            let owner = name("\(uniqueLabel("alg")).example.test.")
            try client.send(UpdatePlan(zone: exampleZone, operations: [.add(addressRecord(owner, "192.0.2.63"))]))
            #expect(try client.records(owner, .a).count == 1, "a signed query verifies too")
            #expect(try await server.dig(owner.description, "A") == ["192.0.2.63"])
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func aWrongSecretOrUnknownKeyIsNamedAndChangesNothing(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let owner = name("\(uniqueLabel("bad")).example.test.")
            let plan = UpdatePlan(zone: exampleZone, operations: [.add(addressRecord(owner, "192.0.2.64"))])
            let wrong = try server.client(key: "wrong-secret.key")
            #expect(throws: DNSError.badSignature(key: name("dnsfix-test."), server: server.serverEndpoint)) {
                try wrong.send(plan)
            }
            let unknown = try server.client(key: "unknown.key")
            #expect(throws: DNSError.unknownKey(key: name("dnsfix-unknown."), server: server.serverEndpoint)) {
                try unknown.send(plan)
            }
            let unsigned = try server.client(key: nil)
            #expect(throws: DNSError.refused(zone: exampleZone, server: server.serverEndpoint, key: nil)) {
                try unsigned.send(plan)
            }
            #expect(try await server.dig(owner.description, "A").isEmpty)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func zoneTransferWithTSIG(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let records = try server.client().transfer(zone: exampleZone)
            #expect(records.first?.type == .soa)
            #expect(records.filter { $0.type == .soa }.count == 1)
            #expect(records.contains(addressRecord(name("node-b.example.test."), "192.0.2.12", ttl: 300)))
            #expect(throws: DNSError.self) { try server.client(key: nil).transfer(zone: exampleZone) }
            #expect(throws: DNSError.self) { try server.client(key: "wrong-secret.key").transfer(zone: exampleZone) }
        }
    }

    @Test func anUnreachableServerFailsPlainlyWithinBoundedTime() throws {
        let port = try freeLoopbackPort()
        let endpoint = ServerEndpoint(host: "127.0.0.1", port: port)
        let client = try DNSClient(server: endpoint, key: nil, timeout: 0.3, udpTries: 2)
        let started = ContinuousClock.now
        do {
            _ = try client.records(name("app.example.test."), .a)
            Issue.record("a query to a closed port succeeded")
        } catch let DNSError.unreachable(server, detail) {
            #expect(server == endpoint)
            #expect(detail.contains("no answer over UDP"))
            #expect("\(DNSError.unreachable(server: server, detail: detail))".hasPrefix("DNS server 127.0.0.1:\(port) is unreachable"))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
