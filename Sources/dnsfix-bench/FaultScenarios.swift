import Foundation
import TestSupport

/// One fault: what it does to a settled pair (a PRIM, b SECOND) and how it heals, so that the pair
/// must settle again afterwards.
struct FaultScenario: Sendable {
    let name: String
    /// Invariant 2 applies: b is a healthy standby that must hold the VIP within the bound.
    let survivorTakesOver: Bool
    let act: @Sendable (FaultContext) async throws -> Void
}

struct FaultContext: Sendable {
    let lab: NetworkLab
    let server: RunningDNSServer
    let pair: BenchPair
    /// The config sections of the pair's own file ([vip] and [dns]), for variants.
    let sections: [String]
    /// Notes that a fault was injected or healed now: the pair is not calm for a while after it.
    let disturbed: @Sendable () -> Void

    func blackhole(_ node: String, _ address: String, undo: Bool = false) async throws {
        try await NetworkLab.ip(["-n", lab[node].namespace, "route", undo ? "del" : "add", "blackhole", address + "/32"])
    }

    /// Drops a share of the heartbeats that reach `node` (nftables in its namespace), or stops dropping.
    func dropHeartbeats(_ node: String, percent: Int, undo: Bool = false) async throws {
        let table = ["netns", "exec", lab[node].namespace, "nft"]
        if undo {
            _ = try await runProcess("ip", table + ["delete", "table", "inet", "dnsfixfaults"], timeout: 10)
            return
        }
        for rule in [["add", "table", "inet", "dnsfixfaults"],
                     ["add", "chain", "inet", "dnsfixfaults", "input", "{ type filter hook input priority 0; }"],
                     ["add", "rule", "inet", "dnsfixfaults", "input", "udp", "dport", "9011", "numgen", "random", "mod", "100",
                      "<", "\(percent)", "drop"]] {
            let result = try await runProcess("ip", table + rule, timeout: 10)
            guard result.succeeded else { throw TimelineError("nft \(rule.joined(separator: " ")): \(result.stderr)") }
        }
    }

    /// Restarts `node` with the pair's config changed by `change` (written beside it as `name`).
    func restart(_ node: String, as name: String, pairExtra: String = "", change: (String) -> String = { $0 }) async throws {
        try pair.writeConfig(name, sections: sections.map(change), pairExtra: pairExtra)
        await pair.kill(node)
        try await pair.restart(node, config: name)
    }
}

extension FaultScenario {
    /// SIGSTOP of the PRIM's agent, then SIGCONT.
    static func freeze(seconds: Int, survivorTakesOver: Bool) -> FaultScenario {
        FaultScenario(name: "SIGSTOP of the PRIM's agent for \(seconds) s, then SIGCONT", survivorTakesOver: survivorTakesOver) { context in
            context.pair.signal("a", SIGSTOP)
            context.disturbed()
            try await Task.sleep(for: .seconds(seconds))
            context.pair.signal("a", SIGCONT)
            context.disturbed()
        }
    }

    static let all: [FaultScenario] = [
        FaultScenario(name: "kill -9 of the PRIM's agent, then a restart (clean slate)", survivorTakesOver: true) { context in
            await context.pair.kill("a")
            context.disturbed()
            try await Task.sleep(for: .seconds(1.5))
            try await context.pair.restart("a")
            context.disturbed()
        },
        // Invariant 2 holds a survivor to its bound only when the fault outlasts it: a PRIM that wakes
        // or comes back sooner may win the arbitration first, and then rightly keeps the VIP.
        freeze(seconds: 3, survivorTakesOver: true),
        freeze(seconds: 1, survivorTakesOver: false),
        FaultScenario(name: "the PRIM's link down for 3 s", survivorTakesOver: true) { context in
            try await NetworkLab.ip(["-n", context.lab["a"].namespace, "link", "set", "eth1", "down"])
            context.disturbed()
            try await Task.sleep(for: .seconds(3))
            try await NetworkLab.ip(["-n", context.lab["a"].namespace, "link", "set", "eth1", "up"])
            context.disturbed()
        },
        FaultScenario(name: "30 % heartbeat loss both ways for 5 s", survivorTakesOver: false) { context in
            for node in ["a", "b"] { try await context.dropHeartbeats(node, percent: 30) }
            context.disturbed()
            try await Task.sleep(for: .seconds(5))
            for node in ["a", "b"] { try await context.dropHeartbeats(node, percent: 30, undo: true) }
            context.disturbed()
        },
        FaultScenario(name: "heartbeat link cut for 3 s, both reach DNS", survivorTakesOver: false) { context in
            try await context.blackhole("a", context.lab["b"].ipv4)
            try await context.blackhole("b", context.lab["a"].ipv4)
            context.disturbed()
            try await Task.sleep(for: .seconds(3))
            try await context.blackhole("a", context.lab["b"].ipv4, undo: true)
            try await context.blackhole("b", context.lab["a"].ipv4, undo: true)
            context.disturbed()
        },
        FaultScenario(name: "DNS stopped during a failover, then started", survivorTakesOver: false) { context in
            kill(context.server.pid, SIGSTOP)
            await context.pair.kill("a")
            context.disturbed()
            try await Task.sleep(for: .seconds(1.5))
            kill(context.server.pid, SIGCONT)
            try await Task.sleep(for: .seconds(1.5))
            try await context.pair.restart("a")
            context.disturbed()
        },
        FaultScenario(name: "a wrong TSIG key on the standby, then the PRIM killed", survivorTakesOver: false) { context in
            try await context.restart("b", as: "wrong-key.toml") { $0.replacingOccurrences(of: "test.key", with: "wrong-secret.key") }
            context.disturbed()
            try await Task.sleep(for: .seconds(1))
            await context.pair.kill("a")
            try await Task.sleep(for: .seconds(1.5))
            try await context.pair.restart("a")
            try await Task.sleep(for: .seconds(1))
            try await context.restart("b", as: "dnsfix.toml")
            context.disturbed()
        },
        FaultScenario(name: "configs that differ in the VIP (BROKEN), then corrected", survivorTakesOver: false) { context in
            try await context.restart("b", as: "broken.toml") { $0.replacingOccurrences(of: "192.0.2.50", with: "192.0.2.51") }
            context.disturbed()
            try await Task.sleep(for: .seconds(1.5))
            try await context.restart("b", as: "dnsfix.toml")
            context.disturbed()
        },
        FaultScenario(name: "preferences that disagree (CONFLICT), then corrected", survivorTakesOver: false) { context in
            try await context.restart("b", as: "conflict.toml", pairExtra: "preference = \"b\"")
            context.disturbed()
            try await Task.sleep(for: .seconds(1.5))
            try await context.restart("b", as: "dnsfix.toml")
            context.disturbed()
        },
        FaultScenario(name: "the VIP held by a third host during a failover", survivorTakesOver: false) { context in
            let client = ["-n", context.lab["client"].namespace, "addr"]
            try await NetworkLab.ip(client + ["add", "192.0.2.50/32", "dev", "eth1"])
            await context.pair.kill("a")
            context.disturbed()
            try await Task.sleep(for: .seconds(1.5))
            try await NetworkLab.ip(client + ["del", "192.0.2.50/32", "dev", "eth1"])
            try await context.pair.restart("a")
            context.disturbed()
        },
    ]
}
