import DNSModel
import Dispatch
import FailoverCore
import Foundation
import Logging
import NIOCore
import VIPControl

/// `dnsfix agent`: one loop that feeds the core its events and carries out its actions. The VIP,
/// DNS and scripts run beside the loop and report back as events, so nothing blocks it.
public enum Agent {
    enum Input: Sendable {
        /// A datagram that arrived over the heartbeat network with this index.
        case datagram([UInt8], network: Int)
        case event(Event)
        case control(ControlRequest, CheckedContinuation<ControlReply, Never>)
        case signal(Int32)
    }

    public static func run(_ plan: AgentPlan, logger: Logger) async throws {
        let (inputs, input) = AsyncStream<Input>.makeStream()
        let report: @Sendable (Event) -> Void = { input.yield(.event($0)) }
        let links = try await HeartbeatLink.bindAll(plan.networks, port: plan.config.pair.heartbeat.port, logger: logger) {
            input.yield(.event(.peerRefused))
        }
        let control = try await ControlServer.bind(path: plan.controlSocket)
        defer { try? FileManager.default.removeItem(atPath: plan.controlSocket) }
        let dns = DNSDriver(plan: plan, logger: logger)
        let board = StatusBoard()
        let metrics = AgentMetrics()
        let health = plan.config.health
        let healthApplication = HealthServer.application(host: health.host.isEmpty ? plan.node.address.description : health.host,
                                                         port: health.port, board: board, metrics: metrics)
        let signals = SignalSources([SIGTERM, SIGINT, SIGHUP]) { input.yield(.signal($0)) }
        let networks = plan.networks.map { "\($0.local) -> \($0.peer)" }.joined(separator: ", ")
        logger.notice("""
            agent of pair \(plan.config.pair.name) starting as \(plan.node.name) (\(plan.node.address)), \
            peer \(plan.peer.name) (\(plan.peer.address)), heartbeats \(networks)
            """)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for link in links {
                group.addTask {
                    await link.receive { input.yield(.datagram($0, network: link.network.index)) }
                }
            }
            group.addTask {
                try await control.serve { line in
                    await ControlAnswer.answer(line, input: input, dns: dns)
                }
            }
            group.addTask {
                // The agent handles SIGTERM itself: it hands over before it stops. A health URL that
                // cannot listen is logged; the pair keeps working without it.
                do {
                    try await healthApplication.runService(gracefulShutdownSignals: [])
                } catch {
                    logger.error("health URL on port \(health.port): \(error)")
                }
            }
            var loop = try Loop(plan: plan, logger: logger, input: input, report: report, dns: dns,
                                board: board, metrics: metrics) { bytes in
                // Every network carries every heartbeat; each link logs its own outage.
                for link in links { await link.send(bytes) }
            }
            try await loop.run(inputs)
            group.cancelAll()
        }
        withExtendedLifetime(signals) {}
        logger.notice("agent stopped")
    }
}
