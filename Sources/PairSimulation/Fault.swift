import FailoverCore

/// Something that happens to the pair from outside, at a time of the schedule.
public enum Fault: Equatable, Sendable, CustomStringConvertible {
    /// Messages from one node to the other are lost (both directions for a symmetric partition).
    case cut(from: Int, to: Int)
    case heal
    case loss(Double)
    case duplication(Double)
    /// One-way network delay, reordering messages when the range is wide.
    case delay(ClosedRange<Duration>)
    /// The host goes down: the agent and the VIP with it.
    case crash(Int)
    /// The agent is killed (kill -9) while its host stays up: systemd's stop step removes the VIP, and
    /// the host answers the peer's heartbeats with "port unreachable".
    case agentKilled(Int)
    case restart(Int)
    case dnsDown
    case dnsUp
    /// One node cannot reach the DNS server.
    case dnsCut(Int)
    case dnsHeal(Int)
    /// The node's monotonic clock jumps forward (a VM resumed, a suspended host woke up).
    case clockStep(Int, Duration)
    case admin(Int, Event)
    /// The next run of this script on this node fails.
    case scriptFails(Int, Script)

    /// Faults that may make the nodes lose each other; an admin command or a DNS outage does not.
    var disturbsPair: Bool {
        switch self {
        case .admin, .dnsDown, .dnsUp, .dnsCut, .dnsHeal, .scriptFails: false
        default: true
        }
    }

    public var description: String {
        func node(_ index: Int) -> String { SimWorld.names[index] }
        switch self {
        case .cut(let from, let to): return "cut \(node(from))->\(node(to))"
        case .heal: return "heal"
        case .loss(let rate): return "loss \(rate)"
        case .duplication(let rate): return "duplication \(rate)"
        case .delay(let range): return "delay \(range.lowerBound.milliseconds)ms...\(range.upperBound.milliseconds)ms"
        case .crash(let index): return "crash \(node(index))"
        case .agentKilled(let index): return "kill -9 \(node(index))"
        case .restart(let index): return "restart \(node(index))"
        case .dnsDown: return "dns-down"
        case .dnsUp: return "dns-up"
        case .dnsCut(let index): return "dns-cut \(node(index))"
        case .dnsHeal(let index): return "dns-heal \(node(index))"
        case .clockStep(let index, let step): return "clock \(node(index)) +\(step.milliseconds)ms"
        case .admin(let index, let event): return "admin \(node(index)) \(event)"
        case .scriptFails(let index, let script): return "script-fails \(node(index)) \(script.rawValue)"
        }
    }
}

public struct TimedFault: Equatable, Sendable, CustomStringConvertible {
    public var at: Duration
    public var fault: Fault

    public init(at: Duration, fault: Fault) {
        self.at = at
        self.fault = fault
    }

    public var description: String { "\(at.milliseconds)ms \(fault)" }
}
