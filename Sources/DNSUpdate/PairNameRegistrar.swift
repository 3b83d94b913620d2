import DNSModel

/// What registering a pair's shared name did: the name itself, and the nodes' own names the VIP was
/// taken off.
public struct PairNameOutcome: Sendable {
    public var shared: RegistrationOutcome
    public var cleaned: [(name: DNSName, outcome: RegistrationOutcome)]
    public var sent: [UpdatePlan] { shared.sent + cleaned.flatMap(\.outcome.sent) }
    public var changed: Bool { !sent.isEmpty }
}

extension Registrar {
    /// The shared name first, then the strays, each message carrying `guards`.
    public func apply(_ pair: PairNameRegistration, zone: DNSName? = nil, guards: [Prerequisite] = []) throws -> PairNameOutcome {
        let shared = try apply(pair.shared, zone: zone, guards: guards)
        let forwardZone = shared.final.forwardZone
        var cleaned: [(name: DNSName, outcome: RegistrationOutcome)] = []
        for stray in try pair.strays(in: forwardZone) {
            let outcome = try apply(stray, zone: forwardZone, guards: guards)
            if outcome.changed { cleaned.append((stray.name, outcome)) }
        }
        return PairNameOutcome(shared: shared, cleaned: cleaned)
    }

    /// What `apply` would send now, and the shared name's records as they are.
    public func plan(_ pair: PairNameRegistration, zone: DNSName? = nil) throws -> (plans: [UpdatePlan], current: RegistrationSnapshot) {
        let current = try snapshot(of: pair.shared, zone: zone)
        var plans = RegistrationPlanner.plans(pair.shared, snapshot: current)
        for stray in try pair.strays(in: current.forwardZone) {
            plans += try plan(stray, zone: current.forwardZone)
        }
        return (plans, current)
    }
}
