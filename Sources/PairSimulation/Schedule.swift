import FailoverCore

/// One simulated run: the pair's config, the faults and when they strike, and the seed for the
/// world's own randomness (delays, loss, boot ids).
public struct Schedule: Equatable, Sendable {
    public var seed: UInt64
    public var parameters: SimParameters
    public var faults: [TimedFault]
    /// Faults stop here; then the world heals and the pair must settle.
    public var faultPhase: Duration = .seconds(6)
    public var settlePhase: Duration = .seconds(20)

    public init(seed: UInt64, parameters: SimParameters, faults: [TimedFault]) {
        self.seed = seed
        self.parameters = parameters
        self.faults = faults
    }

    /// A random schedule, the same for the same seed.
    public static func generate(seed: UInt64) -> Schedule {
        var random = SeededRandom(seed: seed)
        var parameters = SimParameters()
        parameters.hasVIP = random.chance(0.8)
        parameters.registersDNS = !parameters.hasVIP || random.chance(0.85)
        parameters.arbiter = parameters.registersDNS && random.chance(0.75)
        parameters.preference = [nil, "a", "b"].randomElement(using: &random)!
        var faults = [TimedFault(at: random.duration(.zero...(.milliseconds(300))), fault: .restart(0)),
                      TimedFault(at: random.duration(.zero...(.milliseconds(random.chance(0.3) ? 2_000 : 300))), fault: .restart(1))]
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            let start = random.duration(.milliseconds(500)...(.milliseconds(5_500)))
            let end = start + random.duration(.milliseconds(50)...(.milliseconds(3_000)))
            let node = Int.random(in: 0...1, using: &random)
            for (offset, fault) in randomFault(node: node, &random) {
                faults.append(TimedFault(at: offset ? end : start, fault: fault))
            }
        }
        faults.sort { $0.at < $1.at }
        return Schedule(seed: seed, parameters: parameters, faults: faults)
    }

    /// A fault, and the fault that ends it (marked `true`), if any.
    private static func randomFault(node: Int, _ random: inout SeededRandom) -> [(Bool, Fault)] {
        switch Int.random(in: 0..<13, using: &random) {
        case 0, 1: return [(false, .cut(from: 0, to: 1)), (false, .cut(from: 1, to: 0)), (true, .heal)]
        case 2: return [(false, .cut(from: node, to: 1 - node)), (true, .heal)]
        case 3: return [(false, .loss(Double.random(in: 0.1...0.7, using: &random))), (true, .loss(0))]
        case 4: return [(false, .duplication(0.3)), (false, .delay(.milliseconds(1)...(.milliseconds(60)))),
                        (true, .duplication(0)), (true, .delay(.milliseconds(1)...(.milliseconds(3))))]
        case 5, 6:
            let death: Fault = random.chance(0.5) ? .crash(node) : .agentKilled(node)
            return random.chance(0.7) ? [(false, death), (true, .restart(node))] : [(false, death)]
        case 7: return [(false, .dnsDown), (true, .dnsUp)]
        case 8: return [(false, .dnsCut(node)), (true, .dnsHeal(node))]
        case 9: return [(false, .clockStep(node, random.duration(.milliseconds(100)...(.milliseconds(3_000)))))]
        case 10: return [(false, .admin(node, [.swap, .forceSecond].randomElement(using: &random)!))]
        case 11: return [(false, .admin(node, .stop(exiting: false))), (true, .admin(node, .start))]
        default: return [(false, .scriptFails(node, .startPrim))]
        }
    }
}

public struct ScheduleOutcome: Sendable {
    public var arbiter: Bool
    public var violations: [Violation]
    public var longestOverlap: Duration
    public var takeovers: [Duration]
    public var log: [String]
}

public enum Simulation {
    public static func run(_ schedule: Schedule, keepLog: Bool = false,
                           checkingAgainst bounds: SimParameters? = nil) -> ScheduleOutcome {
        let world = SimWorld(parameters: schedule.parameters, seed: schedule.seed, bounds: bounds)
        world.keepsLog = keepLog
        for fault in schedule.faults { world.schedule(fault.fault, at: fault.at) }
        world.run(until: schedule.faultPhase)
        heal(world)
        // Twice: a script that failed in flight as the faults ended is cleared on the second round.
        for round in 1...2 {
            world.run(until: schedule.faultPhase + .seconds(round - 1))
            repair(world)
        }
        world.run(until: schedule.faultPhase + schedule.settlePhase)
        world.checker.verifySettled(world)
        return ScheduleOutcome(arbiter: schedule.parameters.arbiter, violations: world.checker.violations, longestOverlap: world.checker.longestOverlap,
                               takeovers: world.checker.takeovers, log: world.log)
    }

    /// The end of the faults: the network and the DNS server heal.
    static func heal(_ world: SimWorld) {
        for fault in [Fault.heal, .loss(0), .duplication(0), .delay(world.parameters.networkDelay), .dnsUp, .dnsHeal(0), .dnsHeal(1)] {
            world.apply(fault)
        }
    }

    /// Crashed nodes come back, and an operator starts what was stopped and clears a failed script,
    /// as after an incident.
    static func repair(_ world: SimWorld) {
        for index in 0..<2 {
            world.nodes[index].failingScripts = []
            guard let machine = world.nodes[index].machine else {
                world.apply(.restart(index))
                continue
            }
            if machine.role == .wait, machine.waitReason == .scriptFailed {
                world.apply(.admin(index, .stop(exiting: false)))
            }
            if world.nodes[index].machine?.role == .stop { world.apply(.admin(index, .start)) }
        }
    }

    /// Drops faults one at a time for as long as the schedule still fails: a short trace to read.
    public static func shrink(_ schedule: Schedule) -> Schedule {
        var smallest = schedule
        var changed = true
        var rounds = 0
        while changed, rounds < 20 {
            changed = false
            rounds += 1
            for index in smallest.faults.indices.reversed() {
                var candidate = smallest
                candidate.faults.remove(at: index)
                if !run(candidate).violations.isEmpty {
                    smallest = candidate
                    changed = true
                }
            }
        }
        return smallest
    }
}
