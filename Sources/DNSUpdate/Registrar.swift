import DNSModel

/// What applying a registration did.
public struct RegistrationOutcome: Sendable {
    /// The UPDATE messages sent, in order; empty when the primary already matched.
    public var sent: [UpdatePlan]
    /// What the primary holds afterwards, read back from it.
    public var final: RegistrationSnapshot
    public var changed: Bool { !sent.isEmpty }
}

/// Makes the primary hold what an AddressRegistration asks: reads, plans (pure), sends, reads back.
public struct Registrar {
    public let client: DNSClient

    public init(client: DNSClient) {
        self.client = client
    }

    /// What the primary holds now for this registration; `zone` skips the SOA walk for the name.
    public func snapshot(of registration: AddressRegistration, zone: DNSName? = nil) throws -> RegistrationSnapshot {
        let forwardZone = try zone ?? client.zone(containing: registration.name).zone
        guard registration.name.isSubdomain(of: forwardZone) else {
            throw DNSError.invalidInput("\(registration.name) is not in zone \(forwardZone)")
        }
        let addressRecords = try client.records(registration.name, .a) + client.records(registration.name, .aaaa)
        var snapshot = RegistrationSnapshot(forwardZone: forwardZone, addressRecords: addressRecords)
        for address in RegistrationPlanner.addressesNeedingPointers(registration, current: snapshot.currentAddresses) {
            let reverse = address.reverseName
            let reverseZone: DNSName
            do {
                reverseZone = try client.zone(containing: reverse).zone
            } catch DNSError.noZone {
                throw DNSError.noZone(name: reverse, server: client.server)
            }
            snapshot.pointers[address] = .init(zone: reverseZone, records: try client.records(reverse, .ptr))
        }
        return snapshot
    }

    /// The messages that would be sent, without sending them.
    public func plan(_ registration: AddressRegistration, zone: DNSName? = nil) throws -> [UpdatePlan] {
        RegistrationPlanner.plans(registration, snapshot: try snapshot(of: registration, zone: zone))
    }

    /// Sends what is needed, then reads the records back and fails unless they are what was asked.
    /// `guards` are added to every message (the agent's owner record: a node that lost the pair
    /// cannot write).
    public func apply(_ registration: AddressRegistration, zone: DNSName? = nil,
                      guards: [Prerequisite] = []) throws -> RegistrationOutcome {
        let before = try snapshot(of: registration, zone: zone)
        let plans = RegistrationPlanner.plans(registration, snapshot: before).map { plan in
            var guarded = plan
            // A guard names the forward zone's owner record: it can only travel with that zone's messages.
            if plan.zone == before.forwardZone { guarded.prerequisites += guards }
            return guarded
        }
        var sent: [UpdatePlan] = []
        for plan in plans {
            do {
                try client.send(plan)
                sent.append(plan)
            } catch DNSError.prerequisiteFailed(let rcode, let failedZone) {
                // A retried message may have been applied the first time: if the primary now holds
                // what was asked, the compare-and-swap succeeded.
                let now = try snapshot(of: registration, zone: before.forwardZone)
                if RegistrationPlanner.plans(registration, snapshot: now).isEmpty {
                    return RegistrationOutcome(sent: sent + [plan], final: now)
                }
                throw DNSError.prerequisiteFailed(rcode: rcode, zone: failedZone)
            }
        }
        let after = try snapshot(of: registration, zone: before.forwardZone)
        let remaining = RegistrationPlanner.plans(registration, snapshot: after)
        guard remaining.isEmpty else {
            let zoneName = remaining[0].zone
            let detail = remaining.flatMap(\.operations).map { "\($0.name) still needs: \($0)" }.joined(separator: "; ")
            throw DNSError.notApplied(zone: zoneName, detail: detail)
        }
        return RegistrationOutcome(sent: sent, final: after)
    }
}

extension DNSClient {
    /// Finds the primary of the zone that holds `name` as nsupdate does without a `server` line: the
    /// SOA through a recursive resolver (the first of /etc/resolv.conf unless given), its MNAME, and
    /// that name's address.
    public static func discoverPrimary(for name: DNSName, resolver: ServerEndpoint? = nil, port: UInt16 = 53,
                                       key: TSIGKey? = nil, timeout: Double = 1.0) throws -> (zone: DNSName, primary: ServerEndpoint) {
        let lookup = try DNSClient(server: resolver ?? SystemResolver.first(), key: nil, timeout: timeout,
                                   recursive: resolver == nil)
        let (zone, soa) = try lookup.zone(containing: name)
        let addresses = try lookup.records(soa.primary, .a) + lookup.records(soa.primary, .aaaa)
        guard case .address(let address)? = addresses.first?.data else {
            throw DNSError.noZone(name: soa.primary, server: lookup.server)
        }
        return (zone, ServerEndpoint(host: address.description, port: port))
    }
}
