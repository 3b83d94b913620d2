import DNSModel
import Dispatch
import FailoverCore
import Foundation
import Logging
import NIOCore
import VIPControl

/// The loop's state: the core, the heartbeat channel, the drivers.
struct Loop {
    var plan: AgentPlan
    let logger: Logger
    let input: AsyncStream<Agent.Input>.Continuation
    let vip: VIPDriver?
    let dns: DNSDriver?
    var scripts: ScriptRunner
    let report: @Sendable (Event) -> Void
    let send: ([UInt8]) async throws -> Void
    let board: StatusBoard
    let metrics: AgentMetrics
    var machine: PairMachine
    var channel: PeerChannel
    var networks: NetworkLiveness
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    var timer: Task<Void, Never>?
    var armedDeadline: MonotonicTime?
    let notifier = SystemdNotifier()
    var watch: VIPWatch?
    var exiting = false

    init(plan: AgentPlan, logger: Logger, input: AsyncStream<Agent.Input>.Continuation,
         report: @escaping @Sendable (Event) -> Void, dns: DNSDriver?, board: StatusBoard, metrics: AgentMetrics,
         send: @escaping ([UInt8]) async throws -> Void) throws {
        self.board = board
        self.metrics = metrics
        self.plan = plan
        self.logger = logger
        self.input = input
        vip = plan.placements.isEmpty ? nil : VIPDriver(plan: plan, logger: logger)
        self.dns = dns
        scripts = ScriptRunner(plan: plan, logger: logger, report: report)
        self.report = report
        self.send = send
        machine = PairMachine(settings: plan.machine)
        channel = PeerChannel(me: plan.node.name, peer: plan.peer.name, key: plan.pairKey, bootID: UInt64.random(in: 1...UInt64.max))
        networks = NetworkLiveness(networks: plan.networks.count, deadTime: plan.machine.deadTime)
        for network in plan.networks { metrics.network(network.index, up: false) }
        started = clock.now
        watch = try vip?.watch(report: report)
    }

    var now: MonotonicTime { MonotonicTime(clock.now - started) }

    mutating func run(_ inputs: AsyncStream<Agent.Input>) async throws {
        try await feed(.start)
        for await item in inputs {
            switch item {
            case .datagram(let bytes, let network):
                let received = channel.open(bytes)
                if received.provesLink, let change = networks.heard(on: network, at: now) { note(change) }
                switch received {
                case .report(let report):
                    metrics.received()
                    try await feed(.heartbeat(report))
                case .hello:
                    metrics.dropped(.unverified)
                    try await sendHeartbeat(machine.status)
                case .dropped(let reason):
                    metrics.dropped(reason)
                    // Copies over the other heartbeat networks are counted, not logged: one per heartbeat.
                    if reason != .duplicate { logger.debug("heartbeat dropped: \(reason.rawValue)") }
                }
            case .event(let event):
                // The timer that fired is spent: whatever the deadline is now, it needs a new one.
                if event == .tick { armedDeadline = nil }
                metrics.result(event)
                try await feed(event)
            case .control(let request, let reply):
                var refused: String?
                if let event = request.event {
                    let actions = try await feed(event)
                    refused = actions.compactMap { if case .refuse(let why) = $0 { why } else { nil } }.first
                }
                reply.resume(returning: ControlReply(refused: refused, status: status))
            case .signal(let number):
                if number == SIGHUP {
                    try await reload()
                } else {
                    logger.notice("signal \(number): handing over and stopping")
                    notifier?.stopping()
                    try await feed(.stop(exiting: true))
                }
            }
            for change in networks.expire(at: now) { note(change) }
            board.publish(status)
            if let notifier {
                notifier.loopTurned(startupOver: machine.role != .stop && !(machine.role == .wait && machine.waitReason == .startup),
                                    status: serviceStatus)
            }
            if exiting { break }
            arm()
        }
        timer?.cancel()
        watch?.stop()
    }

    /// SIGHUP: applies what can change while running, or keeps the config it has and says why.
    private mutating func reload() async throws {
        switch ConfigReload.read(plan) {
        case .success(let new):
            guard machine.reload(new.machine) else { return }
            if new.config.scripts != plan.config.scripts { scripts = ScriptRunner(plan: new, logger: logger, report: report) }
            plan = new
            networks.deadTime = plan.machine.deadTime
            logger.notice("SIGHUP: reloaded \(plan.config.source); labels now: \(machine.labels.map(\.rawValue).sorted())")
            try await sendHeartbeat(machine.status)
        case .failure(let refused):
            logger.error("SIGHUP: reload refused, still running with the config read before: \(refused)")
        }
    }

    @discardableResult
    mutating func feed(_ event: Event) async throws -> [Action] {
        let actions = machine.handle(event, at: now)
        for action in actions { try await execute(action) }
        return actions
    }

    private mutating func execute(_ action: Action) async throws {
        let report: @Sendable (Event) -> Void = { [input] in input.yield(.event($0)) }
        switch action {
        case .sendHeartbeat(let status):
            try await sendHeartbeat(status)
        case .cleanSlate, .plumbVIP, .unplumbVIP:
            if let vip {
                vip.perform(action, then: report)
            } else if case .plumbVIP = action {
                // DNS-only: holding the service is being registered; nothing to plumb.
                input.yield(.event(.vipPlumbed))
            } else if case .unplumbVIP = action {
                input.yield(.event(.vipUnplumbed))
            } else {
                input.yield(.event(.slateCleaned))
            }
        case .runScript(let script):
            scripts.enqueue(script, ScriptRunner.Context(state: "\(machine.role)", epoch: machine.status.epoch))
        case .readOwner, .writeOwner, .registerRecords:
            if let dns { dns.perform(action, then: report) } else { input.yield(.event(.ownerUnreachable)) }
        case .transition(let transition):
            metrics.transition(to: transition.to.role)
            if transition.to.role != transition.from.role { vip?.standingBy(transition.to.role == .second) }
            logger.notice("\(plan.node.name): \(transition)")
        case .refuse(let reason):
            logger.notice("refused: \(reason)")
        case .exit:
            exiting = true
        }
    }

    private mutating func sendHeartbeat(_ status: NodeStatus) async throws {
        metrics.sent()
        try await send(channel.seal(status, fingerprint: plan.machine.fingerprint))
    }

    /// A heartbeat network went down or came back: one line, not one per heartbeat.
    private func note(_ change: NetworkLiveness.Change) {
        let network = plan.networks[change.network]
        metrics.network(change.network, up: change.up)
        let what = change.up ? "up: the peer's heartbeats arrive over it"
            : "down: nothing from the peer over it for \(ConfigDuration.format(plan.machine.deadTime))"
        logger.notice("heartbeat network \(change.network) (\(network.local) -> \(network.peer)) \(what)")
    }

    /// Wakes the loop at the core's next deadline, or when a heartbeat network would go down. Most
    /// events leave that deadline where it was (a heartbeat from the peer moves only later ones), and
    /// then the sleeping timer is kept: cancelling and replacing it costs two thread wake-ups per
    /// event, most of an idle agent's CPU.
    private mutating func arm() {
        let deadline = [machine.nextDeadline, networks.nextDeadline].compactMap { $0 }.min()
        if deadline == armedDeadline, deadline != nil { return }
        timer?.cancel()
        armedDeadline = deadline
        guard let deadline else { return }
        let delay = max(deadline - now, .zero)
        timer = Task { [input] in
            try? await Task.sleep(for: delay)
            if !Task.isCancelled { input.yield(.event(.tick)) }
        }
    }

    /// One line for `systemctl status`.
    var serviceStatus: String {
        let peer = machine.livePeer(at: now).map { "peer \(plan.peer.name) \($0.status.role)" } ?? "peer \(plan.peer.name) silent"
        let reason = machine.status.waitReason.map { " (\($0))" } ?? ""
        return "\(machine.role)\(reason) epoch \(machine.status.epoch); \(peer)"
    }

    var status: AgentStatus {
        let peer = machine.livePeer(at: now)
        return AgentStatus(
            pair: plan.config.pair.name, node: plan.node.name, state: "\(machine.role)",
            waitReason: machine.status.waitReason?.name, epoch: machine.status.epoch,
            labels: machine.labels.map(\.rawValue).sorted(), holdsVIP: vip?.isHeld ?? machine.role.isActive,
            vip: (plan.config.vip?.addresses ?? []).map(\.description),
            peer: AgentStatus.Peer(name: plan.peer.name, state: peer.map { "\($0.status.role)" },
                                   waitReason: peer?.status.waitReason?.name, epoch: peer?.status.epoch,
                                   lastHeardMillisecondsAgo: machine.peerHeardAt.map { (now - $0).milliseconds }),
            dns: plan.config.dns.map {
                AgentStatus.DNS(name: $0.name.text, expected: plan.serviceAddresses.map(\.description), answers: nil,
                                pending: machine.dnsPending)
            },
            lastTransition: machine.lastTransition.map(\.description),
            heartbeatsDropped: Dictionary(uniqueKeysWithValues: channel.drops.map { ($0.key.rawValue, $0.value) }),
            networks: plan.networks.map { network in
                AgentStatus.Network(index: network.index, local: network.local.description, peer: network.peer.description,
                                    up: networks.isUp[network.index],
                                    lastHeardMillisecondsAgo: networks.lastHeard[network.index].map { (now - $0).milliseconds })
            },
            takingOver: machine.status.activating, eligible: machine.status.eligible)
    }
}
