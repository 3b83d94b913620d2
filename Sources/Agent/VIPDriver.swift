import DNSModel
import Dispatch
import FailoverCore
import Foundation
import Logging
import Synchronization
import VIPControl

/// Carries out the core's VIP actions through the VIP layer, in order, on a thread of its own (the
/// netlink calls block), and reports each result as an event.
final class VIPDriver: @unchecked Sendable {
    private let queue = DispatchQueue(label: "dnsfix.vip")
    private let placements: [VIPPlacement]
    /// The peer's addresses on every heartbeat network, whose ARP entries name its MACs.
    private let peerAddresses: [IPAddress]
    /// What answered for the VIP while this node stood by and its peer held it: the peer's MAC on the
    /// VIP's network, which may be none of those in the ARP table (the VIP on another network).
    private let holderMACs = Mutex<Set<MACAddress>>([])
    /// Learning asks on a queue and a netlink socket of its own, so a takeover never waits for it.
    private let learningQueue = DispatchQueue(label: "dnsfix.vip.learning")
    private let learningRound = Mutex(0)
    private let announce: AnnounceOptions
    private let logger: Logger
    private var controller: VIPController?
    /// Whether this node holds the VIP now, as the last operation left it; read by the loop without
    /// waiting for an operation in progress.
    private let heldNow = Mutex(false)
    private var held: Bool {
        get { heldNow.withLock { $0 } }
        set { heldNow.withLock { $0 = newValue } }
    }
    /// Bumped by every plumb and unplumb, so that announcements of an earlier plumb stop.
    private var generation = 0

    init(plan: AgentPlan, logger: Logger) {
        placements = plan.placements
        peerAddresses = plan.networks.map(\.peer)
        let vip = plan.config.vip
        announce = AnnounceOptions(count: vip?.announceCount ?? ConfigDefaults.announceCount,
                                   interval: vip?.announceInterval ?? ConfigDefaults.announceInterval)
        self.logger = logger
    }

    var isHeld: Bool { held }

    /// Link and address events of the VIP's interface, as the core's events.
    func watch(report: @escaping @Sendable (Event) -> Void) throws(VIPError) -> VIPWatch? {
        guard let interface = placements.first?.interface else { return nil }
        let watch = try VIPWatch(interface: interface, addresses: placements.map(\.address))
        let logger = logger
        // The watch reports changes; an interface that is down already when the agent starts is one too.
        if let link = try? VIPController().interface(named: interface), !(link.up && link.carrier) {
            logger.warning("\(interface) is \(link.up ? "without carrier" : "down") at start: waiting for it")
            report(.interfaceDown)
        }
        Task {
            for await event in watch.events {
                logger.info("watch: \(event)")
                switch event {
                case .linkDown, .carrierLost: report(.interfaceDown)
                case .linkUp, .carrierRestored: report(.interfaceUp)
                case .addressRemoved: report(.vipMissing)
                case .addressAdded: report(.vipAppeared)
                }
            }
        }
        return watch
    }

    func perform(_ action: Action, then report: @escaping @Sendable (Event) -> Void) {
        queue.async { [self] in
            switch action {
            case .cleanSlate:
                removeEverywhere()
                report(.slateCleaned)
            case .plumbVIP(let probe):
                report(plumb(probe: probe))
            case .unplumbVIP(let resetConnections):
                report(unplumb(resetConnections: resetConnections))
            default:
                break
            }
        }
    }

    private func vipController() throws(VIPError) -> VIPController {
        if let controller { return controller }
        let made = try VIPController()
        controller = made
        return made
    }

    private func removeEverywhere() {
        generation += 1
        do {
            let removed = try vipController().removeEverywhere(placements.map(\.address))
            if !removed.isEmpty { logger.notice("clean slate: removed a lingering VIP", metadata: ["removed": "\(removed)"]) }
            held = false
        } catch {
            logger.error("clean slate failed: \(error)")
        }
    }

    private func plumb(probe: Bool) -> Event {
        do {
            let controller = try vipController()
            // A killed peer agent leaves the VIP in its kernel: its answer to the probe is no conflict.
            // One quick probe: a host that holds the address answers within a millisecond on a LAN, and
            // sub-second failover cannot wait RFC 5227's seconds.
            let options = probe ? ProbeOptions(count: 1, wait: .milliseconds(50), ignoring: peerMACs()) : nil
            for placement in placements {
                let outcome = try controller.plumb(placement, probe: options, announce: AnnounceOptions(count: 1))
                logger.info("plumbed \(placement)", metadata: ["added": "\(outcome.added)"])
            }
            held = true
            generation += 1
            scheduleAnnouncements(remaining: announce.count - 1, generation: generation)
            return .vipPlumbed
        } catch {
            logger.error("plumbing failed: \(error)")
            if case .conflict = error { return .vipPlumbFailed(conflict: true) }
            return .vipPlumbFailed(conflict: false)
        }
    }

    /// The repeated announcements, spaced out on the queue without holding it: an unplumb in between
    /// stops them.
    private func scheduleAnnouncements(remaining: Int, generation scheduled: Int) {
        guard remaining > 0 else { return }
        queue.asyncAfter(deadline: .now() + announce.interval.seconds) { [self] in
            guard held, generation == scheduled, let controller else { return }
            for placement in placements {
                do {
                    try controller.announce(placement, options: AnnounceOptions(count: 1))
                } catch {
                    logger.warning("announcing \(placement) failed: \(error)")
                }
            }
            scheduleAnnouncements(remaining: remaining - 1, generation: scheduled)
        }
    }

    private func unplumb(resetConnections: Bool) -> Event {
        // Each address on its own: a failure with one must not leave the other plumbed.
        for placement in placements {
            do {
                _ = try vipController().unplumb(placement.address, interface: placement.interface, resetConnections: resetConnections)
            } catch {
                logger.error("unplumbing \(placement.address) failed: \(error)")
            }
        }
        held = false
        generation += 1
        return .vipUnplumbed
    }

    /// The peer's MACs: its ARP entries (heartbeats keep them fresh), and what answered for the VIP
    /// while it held it.
    private func peerMACs() -> Set<MACAddress> {
        var found = holderMACs.withLock { $0 }
        guard let table = try? String(contentsOfFile: "/proc/net/arp", encoding: .utf8) else { return found }
        let peers = Set(peerAddresses.map(\.description))
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count > 3, peers.contains(String(fields[0])), let mac = MACAddress(String(fields[3])) { found.insert(mac) }
        }
        return found
    }

    /// This node stands by (or stops standing by) while its peer holds the VIP. A second later, once
    /// the peer's plumbing is surely done, one probe asks who answers for the VIP and remembers it.
    func standingBy(_ yes: Bool) {
        let round = learningRound.withLock { $0 += 1; return $0 }
        guard yes else { return }
        learningQueue.asyncAfter(deadline: .now() + 1) { [self] in
            guard learningRound.withLock({ $0 }) == round, !held else { return }
            do {
                let controller = try VIPController()
                var answered: Set<MACAddress> = []
                for placement in placements {
                    if let mac = try controller.probe(placement, options: ProbeOptions(count: 1, wait: .milliseconds(100))) {
                        answered.insert(mac)
                    }
                }
                holderMACs.withLock { $0 = answered }
                if answered.isEmpty {
                    logger.info("nothing answered for the VIP while the peer holds it")
                } else {
                    logger.info("the peer answers for the VIP with \(answered.map(\.description).sorted())")
                }
            } catch {
                logger.warning("cannot ask who answers for the VIP: \(error)")
            }
        }
    }
}
