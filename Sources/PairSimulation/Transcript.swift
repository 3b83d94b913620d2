import FailoverCore

/// Runs a transcript: a small command language over the simulated pair, read like a specification.
///
///     config preference=a arbiter=on vip=on dns=on
///     start a b              # both agents start now
///     run 2s                 # time passes (also: tick)
///     deliver                # the heartbeats in flight arrive
///     drop                   # the heartbeats in flight are lost
///     partition [a->b]       # both ways, or one way
///     heal
///     crash a | restart a
///     dns-down | dns-up | dns-cut a | dns-heal a
///     clock a +2s            # a's monotonic clock jumps
///     admin a swap|stop|exit|start|prim|second
///     script-fails a start_prim
///     expect a PRIM | expect a WAIT lostArbitration
///     expect vip a|b|none    # who holds the VIP (or serves, DNS-only)
///     expect owner a@2       # the owner record at the DNS server (or: none)
///     expect records a       # whose registration the shared name carries
///     expect actions a: plumbVIP start_prim   # a's actions since its last `expect actions`
///     expect overlap none    # the VIP was never on both nodes
public struct Transcript {
    public struct Failure: Error, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var message: String
        public var log: [String]

        public var description: String {
            "line \(line): \(text)\n  \(message)\n" + log.suffix(40).map { "    " + $0 }.joined(separator: "\n")
        }
    }

    let lines: [(number: Int, words: [String], text: String)]

    public init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { offset, raw in
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(separator: " ").map(String.init)
            return words.isEmpty ? nil : (offset + 1, words, String(raw))
        }
    }

    /// Deterministic timing, so that a transcript says exactly what happens when.
    static func parameters() -> SimParameters {
        var parameters = SimParameters()
        parameters.networkDelay = .milliseconds(1)...(.milliseconds(1))
        parameters.dnsDelay = .milliseconds(1)...(.milliseconds(1))
        parameters.vipLatency = .milliseconds(1)...(.milliseconds(1))
        parameters.scriptLatency = .milliseconds(1)...(.milliseconds(1))
        return parameters
    }

    public func run() throws(Failure) {
        var world = SimWorld(parameters: Self.parameters(), seed: 1)
        world.keepsLog = true
        var seenActions = [0, 0]
        for line in lines {
            do {
                try execute(line.words, &world, &seenActions)
            } catch let message as TranscriptError {
                throw Failure(line: line.number, text: line.text, message: message.text, log: world.log)
            } catch {
                throw Failure(line: line.number, text: line.text, message: "\(error)", log: world.log)
            }
        }
    }

    private func execute(_ words: [String], _ world: inout SimWorld, _ seenActions: inout [Int]) throws {
        let arguments = Array(words.dropFirst())
        switch words[0] {
        case "config":
            var parameters = Self.parameters()
            for setting in arguments {
                let parts = setting.split(separator: "=").map(String.init)
                guard parts.count == 2 else { throw TranscriptError("config takes key=value") }
                let on = parts[1] == "on"
                switch parts[0] {
                case "preference": parameters.preference = parts[1] == "none" ? nil : parts[1]
                case "arbiter": parameters.arbiter = on
                case "vip": parameters.hasVIP = on
                case "dns": parameters.registersDNS = on
                case "fence": parameters.fence = try duration(parts[1])
                case "failback": parameters.failbackDelay = try duration(parts[1])
                default: throw TranscriptError("unknown config key \(parts[0])")
                }
            }
            world = SimWorld(parameters: parameters, seed: 1)
            world.keepsLog = true
        case "start":
            for name in arguments { world.apply(.restart(try node(name))) }
        case "run", "tick":
            world.run(until: world.now + (try duration(arguments.first ?? "")))
        case "deliver":
            world.run(until: world.now + world.parameters.networkDelay.upperBound)
        case "drop":
            world.dropHeartbeatsInFlight()
        case "partition":
            if let direction = arguments.first {
                let ends = direction.split(separator: "-").map { $0.trimmingCharacters(in: [">"]) }
                guard ends.count == 2 else { throw TranscriptError("partition takes a->b") }
                world.apply(.cut(from: try node(ends[0]), to: try node(ends[1])))
            } else {
                world.apply(.cut(from: 0, to: 1))
                world.apply(.cut(from: 1, to: 0))
            }
        case "heal": world.apply(.heal)
        case "crash": world.apply(.crash(try node(arguments.first)))
        case "restart": world.apply(.restart(try node(arguments.first)))
        case "dns-down": world.apply(.dnsDown)
        case "dns-up": world.apply(.dnsUp)
        case "dns-cut": world.apply(.dnsCut(try node(arguments.first)))
        case "dns-heal": world.apply(.dnsHeal(try node(arguments.first)))
        case "clock":
            guard arguments.count == 2, arguments[1].hasPrefix("+") else { throw TranscriptError("clock a +2s") }
            world.apply(.clockStep(try node(arguments[0]), try duration(String(arguments[1].dropFirst()))))
        case "admin":
            guard arguments.count == 2 else { throw TranscriptError("admin a swap|stop|exit|start|prim|second") }
            let events: [String: Event] = ["swap": .swap, "stop": .stop(exiting: false), "exit": .stop(exiting: true),
                                           "start": .start, "prim": .forcePrim, "second": .forceSecond]
            guard let event = events[arguments[1]] else { throw TranscriptError("unknown admin command \(arguments[1])") }
            world.apply(.admin(try node(arguments[0]), event))
        case "script-fails":
            guard arguments.count == 2, let script = Script(rawValue: arguments[1]) else {
                throw TranscriptError("script-fails a start_prim")
            }
            world.apply(.scriptFails(try node(arguments[0]), script))
        case "expect":
            try expect(arguments, world, &seenActions)
        default:
            throw TranscriptError("unknown command \(words[0])")
        }
    }

    private func expect(_ words: [String], _ world: SimWorld, _ seenActions: inout [Int]) throws {
        guard let subject = words.first else { throw TranscriptError("expect what?") }
        let rest = Array(words.dropFirst())
        switch subject {
        case "vip":
            let holders = (0..<2).filter { world.holdsService($0) }.map { SimWorld.names[$0] }
            let shown = holders.isEmpty ? "none" : holders.joined(separator: " ")
            guard shown == rest.joined(separator: " ") else { throw TranscriptError("the VIP is held by \(shown)") }
        case "owner":
            let owner = world.dns.owner.map { "\($0)" } ?? "none"
            guard owner == rest.first else { throw TranscriptError("the owner record says \(owner)") }
        case "records":
            let registered = world.dns.registered?.node ?? "none"
            guard registered == rest.first else { throw TranscriptError("the shared name is registered by \(registered)") }
        case "overlap":
            let longest = world.checker.longestOverlap
            guard rest.first == "none", longest == .zero, !(world.holdsService(0) && world.holdsService(1)) else {
                throw TranscriptError("the VIP was on both nodes for up to \(longest.milliseconds)ms")
            }
        case "actions":
            guard let name = rest.first?.trimmingCharacters(in: [":"]) else { throw TranscriptError("expect actions a: ...") }
            let index = try node(name)
            let actions = world.nodes[index].actions
            let shown = actions[min(seenActions[index], actions.count)...].compactMap(Self.name)
            seenActions[index] = actions.count
            guard shown == Array(rest.dropFirst()) else { throw TranscriptError("\(name) did: \(shown.joined(separator: " "))") }
        default:
            let index = try node(subject)
            guard let machine = world.nodes[index].machine else {
                guard rest.first == "down" else { throw TranscriptError("\(subject) is down") }
                return
            }
            var shown = ["\(machine.role)"]
            if machine.role == .wait, let reason = machine.waitReason { shown.append("\(reason.name)") }
            guard shown == rest else { throw TranscriptError("\(subject) is \(shown.joined(separator: " ")) (epoch \(machine.status.epoch))") }
        }
    }

    /// Actions as a transcript names them; heartbeats and transitions are left out as noise.
    static func name(_ action: Action) -> String? {
        switch action {
        case .cleanSlate: "cleanSlate"
        case .plumbVIP: "plumbVIP"
        case .unplumbVIP: "unplumbVIP"
        case .runScript(let script): script.rawValue
        case .readOwner: "readOwner"
        case .writeOwner(_, let new): "writeOwner(\(new))"
        case .registerRecords(let claim): "registerRecords(\(claim))"
        case .refuse: "refuse"
        case .exit: "exit"
        case .sendHeartbeat, .transition: nil
        }
    }

    private func node(_ name: String?) throws -> Int {
        guard let name, let index = SimWorld.names.firstIndex(of: name) else {
            throw TranscriptError("no node \(name ?? "given") (a or b)")
        }
        return index
    }

    private func duration(_ text: String) throws -> Duration {
        guard let value = ConfigDuration.parse(text) else { throw TranscriptError("\(text) is not a duration") }
        return value
    }
}

struct TranscriptError: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

extension StringProtocol {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
