import ConfigFile
import FailoverCore
import Foundation

/// SIGHUP: the config file read again. The pair's rules (preference, failback, timings, the fence
/// and the reconcile interval) and the scripts change at once, and the new fingerprints go out with the next heartbeat; what the
/// running agent is built on (the nodes, the heartbeat port and key, the VIP, DNS, the health URL)
/// needs a restart, and a file that changed those is refused whole.
enum ConfigReload {
    static func read(_ current: AgentPlan) -> Result<AgentPlan, ReloadRefused> {
        let path = current.config.source
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.init("cannot read \(path)")) }
        let config: DNSFixConfig
        do {
            config = try ConfigLoader.load(text: String(decoding: data, as: UTF8.self), file: path)
        } catch {
            return .failure(.init(error.description))
        }
        guard let node = config.node(named: current.node.name) else {
            return .failure(.init("\(path): this node (\(current.node.name)) is no longer in pair.nodes"))
        }
        let old = current.config
        // The fence and the reconcile interval are rules of the core, like the timings: they may change.
        var dnsAsBefore = config.dns
        if let previous = old.dns { dnsAsBefore?.fence = previous.fence; dnsAsBefore?.reconcile = previous.reconcile }
        let needRestart = [
            ("pair.nodes", config.pair.nodes != old.pair.nodes),
            ("pair.heartbeat.port", config.pair.heartbeat.port != old.pair.heartbeat.port),
            ("pair.heartbeat.key_file", config.pair.heartbeat.keyFile != old.pair.heartbeat.keyFile),
            ("[vip]", config.vip != old.vip), ("[dns]", dnsAsBefore != old.dns), ("[health]", config.health != old.health),
        ].filter(\.1).map(\.0)
        guard needRestart.isEmpty else {
            return .failure(.init("\(path): \(needRestart.joined(separator: ", ")) changed: restart the agent to apply"))
        }
        do {
            return .success(try AgentPlan(config: config, node: node, pairKey: current.pairKey, tsigKey: current.tsigKey,
                                          controlSocket: current.controlSocket))
        } catch {
            return .failure(.init("\(path): vip: \(error)"))
        }
    }

    struct ReloadRefused: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
