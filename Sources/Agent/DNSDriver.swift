import DNSModel
import DNSUpdate
import Dispatch
import FailoverCore
import Logging
import Synchronization

/// Carries out the core's DNS actions through the DNS layer on a thread of its own (ldns blocks),
/// in order, and reports each result as an event; the core decides retries and back-off.
final class DNSDriver: @unchecked Sendable {
    private let queue = DispatchQueue(label: "dnsfix.dns")
    private let settings: DNSSettings
    private let key: TSIGKey?
    private let addresses: [IPAddress]
    private let managesPointers: Bool
    private let arbiter: Bool
    /// The nodes' names: the VIP is taken off their own names (PairNameRegistration).
    private let nodeLabels: [String]
    private let vips: [IPAddress]
    private let logger: Logger
    private var client: DNSClient?
    private let statusQueue = DispatchQueue(label: "dnsfix.dns.status")
    private let statusBusy = Mutex(false)
    private var statusClient: DNSClient?
    private var zone: DNSName?

    init?(plan: AgentPlan, logger: Logger) {
        guard let settings = plan.config.dns else { return nil }
        self.settings = settings
        key = plan.tsigKey
        addresses = plan.serviceAddresses
        // DNS-only mode points the name at a node's own address and leaves that address's PTR alone.
        managesPointers = settings.ptr && plan.config.vip != nil
        arbiter = plan.machine.arbiter
        nodeLabels = plan.config.pair.nodes.map(\.name)
        vips = plan.config.vip?.addresses ?? []
        self.logger = logger
        zone = settings.zone
    }

    var ownerName: DNSName { (try? OwnerClaim.recordName(for: settings.name)) ?? settings.name }

    func perform(_ action: Action, then report: @escaping @Sendable (Event) -> Void) {
        queue.async { [self] in
            switch action {
            case .readOwner: report(readOwner())
            case .writeOwner(let expected, let new): report(writeOwner(expected: expected, new: new))
            case .registerRecords(let claim): report(register(claim))
            default: break
            }
        }
    }

    /// What the shared name holds at the primary now (for status); nil when it cannot be asked, or
    /// while another status question is still waiting for the server. Asked with a client and a
    /// thread of its own, so that operators polling status never delay the core's updates.
    func sharedNameAddresses() -> [IPAddress]? {
        guard statusBusy.withLock({ busy in defer { busy = true }; return !busy }) else { return nil }
        defer { statusBusy.withLock { $0 = false } }
        return statusQueue.sync {
            guard let server = client?.server else { return nil }
            if statusClient == nil { statusClient = try? DNSClient(server: server, key: key, timeout: 0.3, udpTries: 1) }
            guard let lookup = statusClient,
                  let records = try? lookup.records(settings.name, .a) + lookup.records(settings.name, .aaaa) else { return nil }
            return records.compactMap { if case .address(let address) = $0.data { address } else { nil } }
        }
    }

    private func connection() throws -> DNSClient {
        if let client { return client }
        var server = settings.server
        if server == nil {
            let found = try DNSClient.discoverPrimary(for: settings.name)
            server = found.primary
            zone = zone ?? found.zone
        }
        let made = try DNSClient(server: server!, key: key, timeout: 0.5, udpTries: 2)
        client = made
        return made
    }

    private func forwardZone() throws -> DNSName {
        if let zone { return zone }
        let found = try connection().zone(containing: settings.name).zone
        zone = found
        return found
    }

    private func readOwner() -> Event {
        do {
            let records = try connection().records(ownerName, .txt)
            for record in records {
                if case .txt(let strings) = record.data, let claim = OwnerClaim(text: strings.joined()) { return .ownerRead(claim) }
            }
            return .ownerRead(nil)
        } catch {
            logger.warning("reading the owner record failed: \(error)")
            return .ownerUnreachable
        }
    }

    private func writeOwner(expected: OwnerClaim?, new: OwnerClaim) -> Event {
        do {
            let prerequisite: Prerequisite = expected.map { .rrsetEquals(ownerName, [.txt([$0.text])]) }
                ?? .rrsetDoesNotExist(ownerName, .txt)
            let plan = UpdatePlan(zone: try forwardZone(), prerequisites: [prerequisite], operations: [
                .deleteRRset(ownerName, .txt),
                .add(ResourceRecord(name: ownerName, ttl: settings.ttl, data: .txt([new.text]))),
            ])
            try connection().send(plan)
            logger.info("owner record: \(expected.map { "\($0)" } ?? "none") -> \(new)")
            return .ownerWritten
        } catch DNSError.prerequisiteFailed {
            // The client retries a message whose answer came late: when the first try landed, the
            // retry finds the prerequisite gone. The claim names this node and a new epoch, so finding
            // it in place means the compare-and-swap was this write's.
            if readOwner() == .ownerRead(new) {
                logger.info("owner record: \(expected.map { "\($0)" } ?? "none") -> \(new) (confirmed by reading it back)")
                return .ownerWritten
            }
            return .ownerMismatch
        } catch {
            logger.warning("writing the owner record failed: \(error)")
            return .ownerUnreachable
        }
    }

    private func register(_ claim: OwnerClaim) -> Event {
        let registration = PairNameRegistration(
            shared: AddressRegistration(name: settings.name, addresses: addresses, ttl: settings.ttl,
                                        managesPointers: managesPointers),
            vips: vips, nodeLabels: nodeLabels)
        let guards: [Prerequisite] = arbiter ? [.rrsetEquals(ownerName, [.txt([claim.text])])] : []
        do {
            let outcome = try Registrar(client: try connection()).apply(registration, zone: try forwardZone(), guards: guards)
            if outcome.shared.changed { logger.info("registered \(settings.name) -> \(addresses.map(\.description).joined(separator: " "))") }
            for (name, _) in outcome.cleaned {
                logger.notice("removed the VIP from \(name): it belongs under \(settings.name) only")
            }
            return .recordsRegistered
        } catch DNSError.prerequisiteFailed {
            return .recordsRejected
        } catch {
            logger.warning("registering \(settings.name) failed: \(error)")
            return .recordsFailed
        }
    }
}
