import FailoverCore
import Prometheus

/// What `/metrics` shows: the state, transitions, heartbeats, DNS updates and VIP operations.
final class AgentMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let transitions: Counter
    private let heartbeatsSent: Counter
    private let heartbeatsReceived: Counter
    private let heartbeatsRefused: Counter
    private let states: [Role: Gauge]

    init() {
        transitions = registry.makeCounter(name: "dnsfix_transitions_total", help: "State changes of this node")
        heartbeatsSent = registry.makeCounter(name: "dnsfix_heartbeats_sent_total", help: "Heartbeats sent to the peer")
        heartbeatsReceived = registry.makeCounter(name: "dnsfix_heartbeats_received_total",
                                                  help: "Authentic, fresh heartbeats from the peer")
        heartbeatsRefused = registry.makeCounter(name: "dnsfix_heartbeats_refused_total",
                                                 help: "Heartbeats the peer's host answered with port unreachable (no agent listened)")
        let registry = registry
        states = Dictionary(uniqueKeysWithValues: Role.allCases.map { role in
            (role, registry.makeGauge(name: "dnsfix_state", labels: [("state", "\(role)")], help: "1 for this node's state"))
        })
        for reason in HeartbeatDrop.allCases { dropped(reason, count: 0) }
    }

    func sent() { heartbeatsSent.increment() }
    func received() { heartbeatsReceived.increment() }

    func dropped(_ reason: HeartbeatDrop, count: Int = 1) {
        registry.makeCounter(name: "dnsfix_heartbeats_dropped_total", labels: [("reason", reason.rawValue)],
                             help: "Heartbeats dropped, by reason").increment(by: Int64(count))
    }

    /// `dnsfix_heartbeat_network_up{network}`: 1 while the peer's heartbeats arrive over it.
    func network(_ index: Int, up: Bool) {
        registry.makeGauge(name: "dnsfix_heartbeat_network_up", labels: [("network", "\(index)")],
                           help: "1 while the peer's heartbeats arrive over this heartbeat network").set(Double(up ? 1 : 0))
    }

    func transition(to role: Role) {
        transitions.increment()
        for (state, gauge) in states { gauge.set(Double(state == role ? 1 : 0)) }
    }

    /// Counts the results that come back from the DNS server and the VIP layer.
    func result(_ event: Event) {
        let (name, outcome): (String, String)
        switch event {
        case .peerRefused: return heartbeatsRefused.increment()
        case .ownerWritten, .recordsRegistered: (name, outcome) = ("dnsfix_dns_updates_total", "done")
        case .ownerMismatch, .recordsRejected: (name, outcome) = ("dnsfix_dns_updates_total", "prerequisite_failed")
        case .ownerUnreachable, .recordsFailed: (name, outcome) = ("dnsfix_dns_updates_total", "failed")
        case .vipPlumbed: (name, outcome) = ("dnsfix_vip_operations_total", "plumbed")
        case .vipPlumbFailed(let conflict): (name, outcome) = ("dnsfix_vip_operations_total", conflict ? "conflict" : "failed")
        case .vipUnplumbed: (name, outcome) = ("dnsfix_vip_operations_total", "unplumbed")
        default: return
        }
        registry.makeCounter(name: name, labels: [("outcome", outcome)], help: "DNS updates and VIP operations, by outcome")
            .increment()
    }
}
