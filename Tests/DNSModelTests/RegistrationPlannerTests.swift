import Testing
@testable import DNSModel

@Suite struct RegistrationPlannerTests {
    let zone = try! DNSName("example.test.")
    let reverseZone = try! DNSName("2.0.192.in-addr.arpa.")
    let name = try! DNSName("app.example.test.")
    let vip = try! IPAddress("192.0.2.50")
    let old = try! IPAddress("192.0.2.40")
    let vip6 = try! IPAddress("2001:db8::50")

    func held(_ addresses: IPAddress..., ttl: UInt32 = 30) -> [ResourceRecord] {
        addresses.map { ResourceRecord(name: name, ttl: ttl, data: .address($0)) }
    }

    @Test func replacesTheRRsetRatherThanAppending() {
        let registration = AddressRegistration(name: name, addresses: [vip], ttl: 30)
        let plans = RegistrationPlanner.plans(registration, snapshot: .init(forwardZone: zone, addressRecords: held(old)))
        #expect(plans == [UpdatePlan(zone: zone, operations: [
            .deleteRRset(name, .a), .add(ResourceRecord(name: name, ttl: 30, data: .address(vip))),
        ])])
    }

    @Test func nothingToSendWhenThePrimaryAlreadyMatches() {
        let registration = AddressRegistration(name: name, addresses: [vip], ttl: 30)
        #expect(RegistrationPlanner.plans(registration, snapshot: .init(forwardZone: zone, addressRecords: held(vip))).isEmpty)
    }

    @Test func aDifferentTTLIsAChange() {
        let registration = AddressRegistration(name: name, addresses: [vip], ttl: 30)
        let plans = RegistrationPlanner.plans(registration, snapshot: .init(forwardZone: zone, addressRecords: held(vip, ttl: 300)))
        #expect(plans.count == 1)
    }

    @Test func addressesOfTheOtherFamilyAreRemovedToo() {
        let registration = AddressRegistration(name: name, addresses: [vip], ttl: 30)
        let plans = RegistrationPlanner.plans(registration, snapshot: .init(forwardZone: zone, addressRecords: held(vip, vip6)))
        #expect(plans.first?.operations == [.deleteRRset(name, .aaaa)])
    }

    @Test func compareAndSwapGuardsBothFamilies() {
        let registration = AddressRegistration(name: name, addresses: [vip], ttl: 30, expectedCurrent: [old])
        let plans = RegistrationPlanner.plans(registration, snapshot: .init(forwardZone: zone, addressRecords: held(old)))
        #expect(plans.first?.prerequisites == [.rrsetEquals(name, [.address(old)]), .rrsetDoesNotExist(name, .aaaa)])
        let none = AddressRegistration(name: name, addresses: [vip], ttl: 30, expectedCurrent: [])
        #expect(RegistrationPlanner.plans(none, snapshot: .init(forwardZone: zone, addressRecords: []))
            .first?.prerequisites == [.rrsetDoesNotExist(name, .a), .rrsetDoesNotExist(name, .aaaa)])
    }

    @Test func removeDeletesOnlyTheGivenAddressesThatArePresent() {
        let registration = AddressRegistration(name: name, addresses: [vip, vip6], ttl: 30, mode: .remove)
        let plans = RegistrationPlanner.plans(registration, snapshot: .init(forwardZone: zone, addressRecords: held(vip, old)))
        #expect(plans == [UpdatePlan(zone: zone, operations: [.deleteRecord(name, .address(vip))])])
    }

    @Test func pointersAreSetAndStaleOnesOfThisNameRemoved() throws {
        let registration = AddressRegistration(name: name, addresses: [vip], ttl: 30, managesPointers: true)
        let other = try DNSName("node-a.example.test.")
        #expect(RegistrationPlanner.addressesNeedingPointers(registration, current: [old]) == [old, vip])
        let snapshot = RegistrationSnapshot(forwardZone: zone, addressRecords: held(old), pointers: [
            vip: .init(zone: reverseZone, records: [ResourceRecord(name: vip.reverseName, ttl: 300, data: .ptr(other))]),
            old: .init(zone: reverseZone, records: [ResourceRecord(name: old.reverseName, ttl: 30, data: .ptr(name)),
                                                     ResourceRecord(name: old.reverseName, ttl: 30, data: .ptr(other))]),
        ])
        let plans = RegistrationPlanner.plans(registration, snapshot: snapshot)
        #expect(plans.count == 2)
        #expect(plans[1] == UpdatePlan(zone: reverseZone, operations: [
            .deleteRecord(old.reverseName, .ptr(name)),
            .deleteRRset(vip.reverseName, .ptr),
            .add(ResourceRecord(name: vip.reverseName, ttl: 30, data: .ptr(name))),
        ]))
    }

    @Test func nsupdateSyntax() throws {
        var plan = UpdatePlan(zone: zone)
        plan.prerequisites = [.rrsetEquals(name, [.address(old)]), .nameInUse(name), .nameNotInUse(name),
                              .rrsetExists(name, .a), .rrsetDoesNotExist(name, .aaaa)]
        plan.operations = [.deleteRRset(name, .a), .add(ResourceRecord(name: name, ttl: 30, data: .address(vip))),
                           .deleteRecord(name, .txt(["a \"quoted\" word"])), .deleteName(name)]
        #expect(plan.nsupdateScript(server: "127.0.0.1:5300") == """
            server 127.0.0.1 5300
            zone example.test.
            prereq yxrrset app.example.test. IN A 192.0.2.40
            prereq yxdomain app.example.test.
            prereq nxdomain app.example.test.
            prereq yxrrset app.example.test. A
            prereq nxrrset app.example.test. AAAA
            update delete app.example.test. IN A
            update add app.example.test. 30 IN A 192.0.2.50
            update delete app.example.test. IN TXT "a \\"quoted\\" word"
            update delete app.example.test.
            send

            """)
    }
}
