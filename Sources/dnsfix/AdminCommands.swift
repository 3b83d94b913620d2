import Agent
import ArgumentParser
import FailoverCore
import Foundation

/// Where the agent's control socket is.
struct ControlOptions: ParsableArguments {
    @Option(help: "The agent's control socket.")
    var control = ConfigDefaults.controlSocket

    @Flag(help: "Print the status as JSON.")
    var json = false

    /// Sends the command; prints the status; a refusal exits 1 with its reason.
    func send(_ command: ControlRequest.Command) throws {
        let reply: ControlReply
        do {
            reply = try ControlClient.send(ControlRequest(command: command), to: control)
        } catch {
            throw CommandFailure(error, code: .failed, json: json)
        }
        if json {
            Output.json(reply)
        } else {
            StatusReport.print(reply.status)
            if let refused = reply.refused { Output.error("dnsfix: \(command.rawValue) refused: \(refused)") }
        }
        if reply.refused != nil {
            var failure = CommandFailure(usage: "")
            failure.code = .failed
            throw failure
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Both nodes' states, the VIP and what DNS answers.")
    @OptionGroup var options: ControlOptions
    func run() throws { try options.send(.status) }
}

struct SwapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "swap", abstract: "Hand the VIP to the peer (coordinated, no overlap).")
    @OptionGroup var options: ControlOptions
    func run() throws { try options.send(.swap) }
}

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop managing (an active node hands over first).")
    @OptionGroup var options: ControlOptions
    func run() throws { try options.send(.stop) }
}

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start managing again (after stop).")
    @OptionGroup var options: ControlOptions
    func run() throws { try options.send(.start) }
}

struct PrimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prim", abstract: "Take the VIP now, overriding what bars this node; refused while the peer is active.")
    @OptionGroup var options: ControlOptions
    func run() throws { try options.send(.prim) }
}

struct SecondCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "second", abstract: "Stand by: hand the VIP over, or start as standby.")
    @OptionGroup var options: ControlOptions
    func run() throws { try options.send(.second) }
}

/// The status in SafeKit's colours (on a terminal): green for PRIM and ALONE, orange for SECOND,
/// red for WAIT and STOP.
enum StatusReport {
    static func print(_ status: AgentStatus) {
        let colour = isatty(1) == 1
        func paint(_ text: String, code: String) -> String {
            colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
        func describe(_ state: String?, _ reason: String?) -> String {
            guard let state else { return "silent" }
            let code = switch state { case "PRIM", "ALONE": "32"; case "SECOND": "33"; default: "31" }
            return paint(state, code: code) + (reason.map { " (\($0))" } ?? "")
        }
        var lines = ["pair \(status.pair), epoch \(status.epoch)" + (status.labels.isEmpty ? "" : ", labels: \(status.labels.joined(separator: " "))")]
        lines.append("  \(status.node) (this node): \(describe(status.state, status.waitReason))"
            + (status.takingOver == true ? ", taking over" : "")
            + (status.eligible == false && status.state != "STOP" ? ", cannot take over now" : "")
            + (status.holdsVIP && !status.vip.isEmpty ? ", holds the VIP \(status.vip.joined(separator: " "))" : ""))
        let heard = status.peer.lastHeardMillisecondsAgo.map { ", heard \($0) ms ago" } ?? ""
        lines.append("  \(status.peer.name) (peer): \(describe(status.peer.state, status.peer.waitReason))\(heard)")
        if let dns = status.dns {
            let answers = dns.answers.map { $0.isEmpty ? "nothing" : $0.joined(separator: " ") } ?? "no answer"
            let right = dns.answers.map(Set.init) == Set(dns.expected)
            lines.append("  DNS \(dns.name): \(answers)" + (status.state == "PRIM" || status.state == "ALONE"
                ? (right ? " (right)" : " (should be \(dns.expected.joined(separator: " ")))") : "")
                + (dns.pending ? ", update pending" : ""))
        }
        for network in status.networks {
            let heard = network.lastHeardMillisecondsAgo.map { ", heard \($0) ms ago" } ?? ", nothing heard"
            lines.append("  heartbeat network \(network.index): \(network.local) -> \(network.peer) "
                + paint(network.up ? "up" : "down", code: network.up ? "32" : "31") + heard)
        }
        for label in status.labels.compactMap(ConfigLabel.init(rawValue:)) {
            lines.append("  " + paint(label.rawValue, code: "31") + ": \(label.advice)")
        }
        if let transition = status.lastTransition { lines.append("  last transition: \(transition)") }
        // A copy of each heartbeat per extra network is the normal case: counted in the JSON and the
        // metrics, not shown here as if something were wrong.
        let dropped = status.heartbeatsDropped.filter { $0.key != HeartbeatDrop.duplicate.rawValue }
        if !dropped.isEmpty {
            lines.append("  heartbeats dropped: " + dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        for line in lines { Output.line(line) }
    }
}
