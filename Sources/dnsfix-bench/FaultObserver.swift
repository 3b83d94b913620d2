import DNSModel
import Foundation
import Synchronization
import TestSupport
import VIPControl

/// What the fault suite watches while a scenario runs: which kernels hold the VIP (a netlink dump in
/// each node's namespace every 5 ms), whether each node's agent lives, and the client's tries on the
/// VIP (every 10 ms, 20 ms timeout).
final class FaultObserver: Sendable {
    struct Sample: Sendable {
        let at: ContinuousClock.Instant
        let holds: [Bool]
        let living: [Bool]
    }

    static let nodes = ["a", "b"]
    private let holding = Mutex<[Bool]>([false, false])
    private let samples = Mutex<[Sample]>([])
    /// Each try of the client: when it ended and which node answered (nil: none).
    private let answers = Mutex<[(at: ContinuousClock.Instant, by: String?)]>([])
    private let stopped = Atomic<Bool>(false)
    private let disturbance = Mutex<ContinuousClock.Instant>(.now)

    /// Starts the watching threads; they run until `stop()`.
    init(lab: NetworkLab, vip: IPAddress, isRunning: @escaping @Sendable (String) -> Bool) {
        for (index, node) in Self.nodes.enumerated() {
            Thread { [self] in
                guard (try? enterNamespace(lab[node].namespace)) != nil, let controller = try? VIPController() else { return }
                while !stopped.load(ordering: .acquiring) {
                    if let found = try? controller.status(of: vip) { holding.withLock { $0[index] = !found.isEmpty } }
                    usleep(5_000)
                }
            }.start()
        }
        Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                let sample = Sample(at: .now, holds: holding.withLock { $0 }, living: Self.nodes.map(isRunning))
                samples.withLock { $0.append(sample) }
                usleep(5_000)
            }
        }.start()
        Thread { [self] in
            guard (try? enterNamespace(lab["client"].namespace)) != nil else { return }
            while !stopped.load(ordering: .acquiring) {
                let node = DemoService.ask(vip.description)
                answers.withLock { $0.append((.now, node)) }
                usleep(10_000)
            }
        }.start()
    }

    func stop() { stopped.store(true, ordering: .releasing) }

    /// A fault was injected or healed now: the pair is not calm for a while after it.
    func disturbed() { disturbance.withLock { $0 = .now } }

    var lastDisturbance: ContinuousClock.Instant { disturbance.withLock { $0 } }

    var holders: [String] { zip(Self.nodes, holding.withLock { $0 }).filter(\.1).map(\.0) }

    /// Times when both kernels held the VIP while both agents ran (the leftover VIP of a killed or
    /// frozen agent is not a second holder: nothing manages it, and the survivor's announcements win
    /// the clients; a frozen agent drops it as soon as it runs again).
    var overlaps: [(start: ContinuousClock.Instant, end: ContinuousClock.Instant)] {
        var found: [(start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = []
        var start: ContinuousClock.Instant?
        for sample in samples.withLock({ $0 }) {
            let both = sample.holds.allSatisfy { $0 } && sample.living.allSatisfy { $0 }
            if both, start == nil { start = sample.at }
            if !both, let began = start { found.append((began, sample.at)); start = nil }
        }
        if let start { found.append((start, .now)) }
        return found
    }

    /// When `node`'s kernel first held the VIP at or after `time`.
    func firstHold(_ node: String, after time: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let index = Self.nodes.firstIndex(of: node)!
        return samples.withLock { $0.first { $0.at >= time && $0.holds[index] }?.at }
    }

    /// When `node` first answered the client at or after `time`.
    func firstServed(by node: String, after time: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        answers.withLock { $0.first { $0.at >= time && $0.by == node }?.at }
    }

    /// The longest time the client went without an answer from the VIP, from `time` on.
    func longestOutage(after time: ContinuousClock.Instant) -> Duration {
        var longest = Duration.zero
        var lastServed = time
        for answer in answers.withLock({ $0 }) where answer.at >= time {
            if answer.by != nil {
                longest = max(longest, answer.at - lastServed)
                lastServed = answer.at
            }
        }
        return longest
    }
}
