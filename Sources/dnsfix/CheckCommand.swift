import ArgumentParser
import FailoverCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a config file and print what this node would manage.",
        discussion: "Exit codes, as keepalived -t: 0 valid, 2 invalid (the message names file, line and key)."
    )

    @OptionGroup var configOptions: ConfigOptions

    func run() throws {
        guard configOptions.config != nil else { throw CommandFailure(usage: "give --config FILE") }
        let config: DNSFixConfig
        do { config = try configOptions.load()! } catch let failure as CommandFailure { throw failure } catch {
            throw CommandFailure(error)
        }
        let pair = config.pair
        Output.line("pair \(pair.name): \(pair.nodes.map { "\($0.name) (\($0.address))" }.joined(separator: ", "))")
        Output.line("heartbeat every \(ConfigDuration.format(pair.heartbeat.interval)), peer dead after \(pair.heartbeat.deadAfter) missed")
        Output.line("preference: \(pair.preference ?? "none (no failback)")")
        if let vip = config.vip {
            Output.line("VIP \(vip.addresses.map(\.description).joined(separator: ", "))")
        } else {
            Output.line("DNS-only mode: the shared name points at the active node's own address")
        }
        if let dns = config.dns {
            Output.line("DNS \(dns.name) TTL \(dns.ttl) at \(dns.server?.description ?? "the SOA's primary")"
                + (dns.ptr ? ", with PTR" : "") + (dns.arbiter ? ", owner record as arbiter" : ""))
        }
        Output.line("\(configOptions.config!): valid")
    }
}
