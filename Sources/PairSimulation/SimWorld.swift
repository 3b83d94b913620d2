import Crypto
import FailoverCore

/// Two nodes, the network between them and a DNS server, in simulated time. The nodes run the
/// real core and the real heartbeat codec; only the kernel, the wire and the server are modelled.
public final class SimWorld {
    public static let names = ["a", "b"]
    static let pairKey = Array("simulated pair key, 32 bytes long".utf8)

    enum Item {
        case fault(Fault)
        case deliver(to: Int, bytes: [UInt8], generation: Int)
        case tick(node: Int, incarnation: Int)
        case result(node: Int, incarnation: Int, Event)
        case vip(node: Int, incarnation: Int, plumbed: Bool, answer: Event)
        case dnsArrives(node: Int, incarnation: Int, Action)
        case check(Check)
    }

    public let parameters: SimParameters
    public private(set) var now: Duration = .zero
    var random: SeededRandom
    var queue = EventQueue<Item>()
    public internal(set) var nodes: [SimNode]
    public internal(set) var dns = SimDNSServer()
    var reachable = [[true, true], [true, true]]
    var loss = 0.0
    var duplication = 0.0
    var delay: ClosedRange<Duration>
    /// Heartbeats sent before the last `dropHeartbeatsInFlight` are lost.
    var wireGeneration = 0
    var checker: InvariantChecker
    public internal(set) var log: [String] = []
    public var keepsLog = false

    /// `bounds`: the parameters whose bounds the invariants are checked against, if not the pair's own
    /// (to prove that the checker catches a pair that breaks them).
    public init(parameters: SimParameters, seed: UInt64, bounds: SimParameters? = nil) {
        self.parameters = parameters
        random = SeededRandom(seed: seed)
        delay = parameters.networkDelay
        nodes = [SimNode(index: 0), SimNode(index: 1)]
        checker = InvariantChecker(parameters: bounds ?? parameters)
    }

    // MARK: Driving

    public func schedule(_ fault: Fault, at time: Duration) {
        queue.push(.fault(fault), at: time)
    }

    /// Runs every item due up to `end`, then sets the clock to `end`.
    public func run(until end: Duration) {
        while let time = queue.nextTime, time <= end {
            guard let (at, item) = queue.pop() else { break }
            now = at
            handle(item)
        }
        now = max(now, end)
    }

    public func apply(_ fault: Fault) {
        note("\(fault)")
        if fault.disturbsPair { checker.disturbed(at: now) }
        checker.faultApplied()
        switch fault {
        case .cut(let from, let to): reachable[from][to] = false
        case .heal: reachable = [[true, true], [true, true]]
        case .loss(let rate): loss = rate
        case .duplication(let rate): duplication = rate
        case .delay(let range): delay = range
        case .crash(let index): crash(index)
        case .agentKilled(let index):
            crash(index)
            nodes[index].refusesHeartbeats = true
        case .restart(let index): restart(index)
        case .dnsDown: dns.up = false
        case .dnsUp: dns.up = true
        case .dnsCut(let index): nodes[index].reachesDNS = false
        case .dnsHeal(let index): nodes[index].reachesDNS = true
        case .clockStep(let index, let step):
            nodes[index].clockOffset += step
            nodes[index].tickAt = nil
            scheduleTick(index)
        case .admin(let index, let event): feed(index, event)
        case .scriptFails(let index, let script): nodes[index].failingScripts.insert(script)
        }
        checker.observe(self)
    }

    func crash(_ index: Int) {
        let holder = holdsService(index)
        nodes[index].machine = nil
        nodes[index].refusesHeartbeats = false
        nodes[index].vip = false
        nodes[index].incarnation += 1
        if holder { checker.activeCrashed(index, world: self) }
    }

    func restart(_ index: Int) {
        guard nodes[index].machine == nil else { return }
        nodes[index].incarnation += 1
        nodes[index].machine = PairMachine(settings: parameters.settings(for: index))
        nodes[index].channel = PeerChannel(me: Self.names[index], peer: Self.names[1 - index], key: Self.pairKey,
                                           bootID: random.next() | 1)
        nodes[index].tickAt = nil
        feed(index, .start)
    }

    public func dropHeartbeatsInFlight() {
        note("drop")
        wireGeneration += 1
        checker.disturbed(at: now)
    }

    // MARK: Items

    private func handle(_ item: Item) {
        switch item {
        case .fault(let fault):
            apply(fault)
        case .deliver(let to, let bytes, let generation):
            guard nodes[to].machine != nil, generation == wireGeneration else { return }
            switch nodes[to].channel.open(bytes) {
            case .report(let report): feed(to, .heartbeat(report))
            case .hello: if let status = nodes[to].machine?.status { send(from: to, status) }
            case .dropped: break
            }
        case .tick(let index, let incarnation):
            guard nodes[index].incarnation == incarnation, nodes[index].tickAt == now else { return }
            nodes[index].tickAt = nil
            feed(index, .tick)
        case .result(let index, let incarnation, let event):
            guard nodes[index].incarnation == incarnation else { return }
            feed(index, event)
        case .vip(let index, let incarnation, let plumbed, let answer):
            guard nodes[index].incarnation == incarnation else { return }
            nodes[index].vip = plumbed
            checker.observe(self)
            feed(index, answer)
        case .dnsArrives(let index, let incarnation, let request):
            let answer = dns.answer(request, arbiter: parameters.arbiter)
            note("dns \(Self.names[index]) \(request) -> \(answer)")
            queue.push(.result(node: index, incarnation: incarnation, answer), at: now + random.duration(parameters.dnsDelay))
        case .check(let check):
            checker.verify(check, world: self)
        }
    }

    func feed(_ index: Int, _ event: Event) {
        guard var machine = nodes[index].machine else { return }
        let actions = machine.handle(event, at: localTime(index))
        nodes[index].machine = machine
        nodes[index].actions += actions
        for action in actions { execute(action, on: index) }
        checker.observe(self)
        scheduleTick(index)
    }

    func localTime(_ index: Int) -> MonotonicTime {
        MonotonicTime(now + nodes[index].clockOffset)
    }

    private func scheduleTick(_ index: Int) {
        guard let deadline = nodes[index].machine?.nextDeadline else { return }
        let at = max(deadline.sinceStart - nodes[index].clockOffset, now + .microseconds(1))
        if let pending = nodes[index].tickAt, pending <= at { return }
        nodes[index].tickAt = at
        queue.push(.tick(node: index, incarnation: nodes[index].incarnation), at: at)
    }

    // MARK: The shell

    private func execute(_ action: Action, on index: Int) {
        let incarnation = nodes[index].incarnation
        switch action {
        case .cleanSlate:
            queue.push(.vip(node: index, incarnation: incarnation, plumbed: false, answer: .slateCleaned),
                       at: now + random.duration(parameters.vipLatency))
        case .plumbVIP:
            queue.push(.vip(node: index, incarnation: incarnation, plumbed: true, answer: .vipPlumbed),
                       at: now + random.duration(parameters.vipLatency))
        case .unplumbVIP:
            queue.push(.vip(node: index, incarnation: incarnation, plumbed: false, answer: .vipUnplumbed),
                       at: now + random.duration(parameters.vipLatency))
        case .runScript(let script):
            let succeeded = nodes[index].failingScripts.remove(script) == nil
            queue.push(.result(node: index, incarnation: incarnation, .scriptFinished(script, succeeded: succeeded)),
                       at: now + random.duration(parameters.scriptLatency))
        case .sendHeartbeat(let status):
            send(from: index, status)
        case .readOwner, .writeOwner, .registerRecords:
            if dns.up, nodes[index].reachesDNS {
                queue.push(.dnsArrives(node: index, incarnation: incarnation, action), at: now + random.duration(parameters.dnsDelay))
            } else {
                let failure: Event = if case .registerRecords = action { .recordsFailed } else { .ownerUnreachable }
                queue.push(.result(node: index, incarnation: incarnation, failure), at: now + parameters.dnsTimeout)
            }
        case .transition(let transition):
            note("\(Self.names[index]): \(transition)")
        case .refuse(let reason):
            note("\(Self.names[index]) refuses: \(reason)")
        case .exit:
            note("\(Self.names[index]) exits")
            nodes[index].machine = nil
            nodes[index].incarnation += 1
        }
    }

    private func send(from index: Int, _ status: NodeStatus) {
        guard let fingerprint = nodes[index].machine?.settings.fingerprint else { return }
        let bytes = nodes[index].channel.seal(status, fingerprint: fingerprint)
        let to = 1 - index
        guard reachable[index][to] else { return }
        if random.chance(loss) {
            checker.disturbed(at: now)
            return
        }
        if nodes[to].machine == nil {
            if nodes[to].refusesHeartbeats {
                let incarnation = nodes[index].incarnation
                queue.push(.result(node: index, incarnation: incarnation, .peerRefused), at: now + random.duration(delay) * 2)
            }
            return
        }
        queue.push(.deliver(to: to, bytes: bytes, generation: wireGeneration), at: now + random.duration(delay))
        if random.chance(duplication) {
            queue.push(.deliver(to: to, bytes: bytes, generation: wireGeneration), at: now + random.duration(delay))
        }
    }

    func note(_ line: @autoclosure () -> String) {
        if keepsLog { log.append("\(now.milliseconds)ms \(line())") }
    }

    // MARK: What the invariants look at

    /// Holds the VIP, or in DNS-only mode, serves as the active node.
    public func holdsService(_ index: Int) -> Bool {
        parameters.hasVIP ? nodes[index].vip : (nodes[index].machine?.role.isActive ?? false)
    }

    /// Every heartbeat can reach the other node, and both agents run.
    var networkIsWhole: Bool {
        reachable.allSatisfy { $0.allSatisfy { $0 } } && loss == 0 && nodes.allSatisfy { $0.machine != nil }
    }

    func push(_ check: Check, at time: Duration) {
        queue.push(.check(check), at: time)
    }
}

public struct SimNode {
    public let index: Int
    public internal(set) var machine: PairMachine?
    var channel: PeerChannel
    var incarnation = 0
    public internal(set) var vip = false
    var clockOffset: Duration = .zero
    var tickAt: Duration?
    var reachesDNS = true
    /// The agent is dead and its host up: heartbeats sent to it come back as "port unreachable".
    var refusesHeartbeats = false
    var failingScripts: Set<Script> = []
    /// Every action the node's core asked for, for transcripts.
    public internal(set) var actions: [Action] = []

    init(index: Int) {
        self.index = index
        channel = PeerChannel(me: SimWorld.names[index], peer: SimWorld.names[1 - index], key: SimWorld.pairKey, bootID: 0)
    }
}

/// The zone's primary, reduced to what the core reads and writes: the owner record and who the
/// shared name points at.
public struct SimDNSServer {
    public var up = true
    public internal(set) var owner: OwnerClaim?
    /// The node whose registration the shared name carries.
    public internal(set) var registered: OwnerClaim?

    mutating func answer(_ request: Action, arbiter: Bool) -> Event {
        guard up else { return request.isRegistration ? .recordsFailed : .ownerUnreachable }
        switch request {
        case .readOwner:
            return .ownerRead(owner)
        case .writeOwner(let expected, let new):
            guard owner == expected else { return .ownerMismatch }
            owner = new
            return .ownerWritten
        case .registerRecords(let claim):
            // With the arbiter, the update carries a prerequisite on the owner record.
            if arbiter, owner != claim { return .recordsRejected }
            registered = claim
            return .recordsRegistered
        default:
            return .tick
        }
    }
}

extension Action {
    var isRegistration: Bool {
        if case .registerRecords = self { return true }
        return false
    }
}
