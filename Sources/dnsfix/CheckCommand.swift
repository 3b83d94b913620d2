import Agent
import ArgumentParser
import FailoverCore
import Foundation
import VIPControl

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a config file and print what this node would do.",
        discussion: """
            Exit codes, as keepalived -t: 0 valid, 2 invalid (the message names file, line and key, or the \
            key file). Run it on each node: it finds itself by host name, or give --node.
            """
    )

    @OptionGroup var configOptions: ConfigOptions

    func run() throws {
        guard configOptions.config != nil else { throw CommandFailure(usage: "give --config FILE") }
        let config: DNSFixConfig
        do { config = try configOptions.load()! } catch let failure as CommandFailure { throw failure } catch {
            throw CommandFailure(error)
        }
        let pair = config.pair
        let heartbeat = pair.heartbeat
        Output.line("pair \(pair.name): \(pair.nodes.map { "\($0.name) (\($0.address))" }.joined(separator: ", "))")
        Output.line("heartbeats: UDP port \(heartbeat.port) every \(ConfigDuration.format(heartbeat.interval)), "
            + "peer dead after \(heartbeat.deadAfter) missed (\(ConfigDuration.format(pair.deadTime))); "
            + "start-up wait \(ConfigDuration.format(pair.startupWait))")
        let (first, second) = (pair.nodes[0], pair.nodes[1])
        Output.line("heartbeat networks (\(first.name) <-> \(second.name)): "
            + HeartbeatNetwork.between(first, and: second).map { "\($0.index): \($0.local) <-> \($0.peer)" }.joined(separator: ", "))
        if let keyFile = heartbeat.keyFile {
            do {
                let key = try PairKeyFile.read(keyFile)
                Output.line("heartbeat key: \(keyFile) (\(key.count) bytes, HMAC-SHA256)")
            } catch {
                throw CommandFailure(usage: "\(config.source): pair.heartbeat.key_file: \(error.description)")
            }
        } else {
            Output.line("heartbeat key: none (pair.heartbeat.key_file): `dnsfix agent` will refuse to start")
        }
        Output.line("preference: " + (pair.preference.map { "\($0), failback after \(ConfigDuration.format(pair.failbackDelay))" }
            ?? "none (no failback)"))
        let node = try? configOptions.thisNode(in: config)
        if let vip = config.vip {
            let plan = try node.map { node in
                do {
                    return try AgentPlan(config: config, node: node, pairKey: [], tsigKey: nil, controlSocket: "")
                } catch {
                    throw CommandFailure(usage: "\(config.source): vip.topology: \(error)")
                }
            }
            let placements = plan?.placements.map(\.description) ?? vip.addresses.map(\.description)
            Output.line("VIP \(placements.joined(separator: ", ")), announced \(vip.announceCount) times "
                + "every \(ConfigDuration.format(vip.announceInterval))")
        } else {
            Output.line("DNS-only mode: the shared name points at the active node's own address")
        }
        if let dns = config.dns {
            Output.line("DNS \(dns.name) TTL \(dns.ttl) at \(dns.server?.description ?? "the SOA's primary")"
                + (dns.ptr && config.vip != nil ? ", with PTR" : "")
                + (dns.arbiter ? "; arbiter: owner record \((try? OwnerClaim.recordName(for: dns.name).text) ?? ""), "
                    + "fence \(ConfigDuration.format(dns.fence))" : "; no arbiter")
                + "; records checked every \(ConfigDuration.format(dns.reconcile))")
            if let keyFile = dns.keyFile { _ = try TSIGKeyFile.read(keyFile) }
        }
        if let directory = config.scripts.directory {
            let present = Script.allCases.map(\.rawValue).filter { FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)") }
            Output.line("scripts: \(directory) (timeout \(ConfigDuration.format(config.scripts.timeout))): "
                + (present.isEmpty ? "none present" : present.joined(separator: ", ")))
        }
        if let node {
            let host = config.health.host.isEmpty ? node.address.description : config.health.host
            Output.line("this node: \(node.name); peer \(config.peer(of: node).name); health http://\(host):\(config.health.port)/ready")
        } else {
            Output.line("this host is not a node of the pair by its name: give --node to see its part")
        }
        Output.line("\(configOptions.config!): valid")
    }
}
