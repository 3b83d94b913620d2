import DNSModel
import DNSUpdate
import TestSupport
import Testing

@Suite struct RegistrarTests {
    @Test(arguments: DNSServerKind.allCases)
    func replacesRemovesAStrayAndIsIdempotent(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let client = try server.client()
            let registrar = Registrar(client: client)
            let shared = name("\(uniqueLabel("app")).example.test.")
            // A stray extra address, as a second node's registration leaves it.
            try client.send(UpdatePlan(zone: exampleZone, operations: [
                .add(addressRecord(shared, "192.0.2.40")), .add(addressRecord(shared, "192.0.2.41")),
            ]))
            let registration = AddressRegistration(name: shared, addresses: [ip("192.0.2.50"), ip("2001:db8::50")], ttl: 30)
            let first = try registrar.apply(registration)
            #expect(first.changed)
            #expect(try await server.dig(shared.description, "A") == ["192.0.2.50"])
            #expect(try await server.dig(shared.description, "AAAA") == ["2001:db8::50"])

            let second = try registrar.apply(registration)
            #expect(!second.changed, "a second identical run sends nothing")
            #expect(second.final.currentAddresses == [ip("192.0.2.50"), ip("2001:db8::50")])
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func compareAndSwap(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let registrar = Registrar(client: try server.client())
            let shared = name("\(uniqueLabel("cas")).example.test.")
            _ = try registrar.apply(AddressRegistration(name: shared, addresses: [ip("192.0.2.40")], ttl: 30))

            let lost = AddressRegistration(name: shared, addresses: [ip("192.0.2.51")], ttl: 30, expectedCurrent: [ip("192.0.2.39")])
            #expect(throws: DNSError.prerequisiteFailed(rcode: .nxRRset, zone: exampleZone)) { try registrar.apply(lost) }
            #expect(try await server.dig(shared.description, "A") == ["192.0.2.40"], "nothing changed")

            let won = AddressRegistration(name: shared, addresses: [ip("192.0.2.50")], ttl: 30, expectedCurrent: [ip("192.0.2.40")])
            #expect(try registrar.apply(won).changed)
            #expect(try await server.dig(shared.description, "A") == ["192.0.2.50"])

            let fromNothing = AddressRegistration(name: name("\(uniqueLabel("new")).example.test."),
                                                  addresses: [ip("192.0.2.52")], ttl: 30, expectedCurrent: [])
            #expect(try registrar.apply(fromNothing).changed)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func pointersAreSetAndCleaned(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let client = try server.client()
            let registrar = Registrar(client: client)
            let shared = name("\(uniqueLabel("ptr")).example.test.")
            let octet = Int.random(in: 100...199)
            let first = "192.0.2.\(octet)", second = "192.0.2.\(octet + 50)"
            // Someone registered the first address under a node's own name too.
            try client.send(UpdatePlan(zone: reverseV4Zone, operations: [
                .add(ResourceRecord(name: ip(first).reverseName, ttl: 30, data: .ptr(name("node-a.example.test.")))),
            ]))
            _ = try registrar.apply(AddressRegistration(name: shared, addresses: [ip(first), ip("2001:db8::\(octet)")],
                                                        ttl: 30, managesPointers: true))
            #expect(try await server.dig(ip(first).reverseName.description, "PTR") == [shared.description])
            #expect(try await server.dig(ip("2001:db8::\(octet)").reverseName.description, "PTR") == [shared.description])

            _ = try registrar.apply(AddressRegistration(name: shared, addresses: [ip(second)], ttl: 30, managesPointers: true))
            #expect(try await server.dig(ip(first).reverseName.description, "PTR").isEmpty, "the lost address's PTR is removed")
            #expect(try await server.dig(ip("2001:db8::\(octet)").reverseName.description, "PTR").isEmpty)
            #expect(try await server.dig(ip(second).reverseName.description, "PTR") == [shared.description])

            _ = try registrar.apply(AddressRegistration(name: shared, addresses: [ip(second)], ttl: 30,
                                                        managesPointers: true, mode: .remove))
            #expect(try await server.dig(shared.description, "A").isEmpty)
            #expect(try await server.dig(ip(second).reverseName.description, "PTR").isEmpty)
        }
    }

    @Test(arguments: DNSServerKind.allCases)
    func aNameOutsideTheZoneIsRefusedBeforeSending(kind: DNSServerKind) async throws {
        try await withDNSServer(kind) { server in
            let registrar = Registrar(client: try server.client())
            let registration = AddressRegistration(name: name("app.elsewhere.test."), addresses: [ip("192.0.2.50")], ttl: 30)
            #expect(throws: DNSError.invalidInput("app.elsewhere.test. is not in zone example.test.")) {
                try registrar.apply(registration, zone: exampleZone)
            }
        }
    }
}
