import Agent
import DNSModel
import ArgumentParser
import FailoverCore
import Logging

/// `dnsfix agent`: the daemon on each node.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the pair's agent on this node: heartbeats, state machine, VIP, DNS, scripts.",
        discussion: "Stops on SIGTERM after handing the VIP to its peer. Exit 2 for a config that cannot be used."
    )

    @OptionGroup var configOptions: ConfigOptions
    @Option(help: "The control socket that dnsfix status, swap, stop, start, prim and second use.")
    var control = ConfigDefaults.controlSocket
    @Option(help: "trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        guard let config = try configOptions.load() else { throw CommandFailure(usage: "the agent needs --config FILE") }
        let node = try configOptions.thisNode(in: config)
        guard let keyFile = config.pair.heartbeat.keyFile else {
            throw CommandFailure(usage: "\(config.source): pair.heartbeat.key_file is required: the heartbeats' shared key")
        }
        let pairKey: [UInt8]
        do { pairKey = try PairKeyFile.read(keyFile) } catch { throw CommandFailure(usage: error.description) }
        let tsigKey = try config.dns?.keyFile.map(TSIGKeyFile.read)
        let plan: AgentPlan
        do {
            plan = try AgentPlan(config: config, node: node, pairKey: pairKey, tsigKey: tsigKey, controlSocket: control)
        } catch {
            throw CommandFailure(usage: "\(config.source): vip: \(error)")
        }
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            try await Agent.run(plan, logger: Logger(label: "dnsfix.\(node.name)"))
        } catch {
            throw CommandFailure(error, code: .failed)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
