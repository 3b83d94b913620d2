import DNSModel
import Foundation
import Synchronization
import Testing
import TestSupport
import VIPControl

/// Shared by the namespace suites: the roles, the VIPs, and the reason they skip when not root.
enum Lab {
    static let reason: Comment = "skipped: needs root (CAP_SYS_ADMIN) to create network namespaces, and CAP_NET_ADMIN/CAP_NET_RAW to plumb"

    static let vip4 = "192.0.2.50"
    static let vip6 = "2001:db8::50"

    /// Plumbs with a short probe and one announcement, in the role's namespace.
    @discardableResult
    static func plumb(_ lab: NetworkLab, _ role: String, _ address: String, probe: ProbeOptions? = ProbeOptions(),
                      announce: AnnounceOptions? = AnnounceOptions(count: 1)) async throws -> VIPController.PlumbOutcome {
        let placement = try VIPPlacement(address: try IPAddress(address), interface: lab[role].interface)
        return try await inNamespace(lab[role].namespace) {
            try VIPController().plumb(placement, probe: probe, announce: announce)
        }
    }

    @discardableResult
    static func unplumb(_ lab: NetworkLab, _ role: String, _ address: String, resetConnections: Bool = false) async throws -> [PlumbedAddress] {
        let parsed = try IPAddress(address)
        return try await inNamespace(lab[role].namespace) {
            try VIPController().unplumb(parsed, resetConnections: resetConnections)
        }
    }

    /// Waits up to 5 s until the role holds an established TCP connection to the VIP (`ss`).
    static func waitForConnection(_ lab: NetworkLab, in role: String, to vip: String) async throws -> Bool {
        let shown = vip.contains(":") ? "[\(vip)]" : vip
        for _ in 0..<100 {
            let sockets = try await lab.run(in: role, ["ss", "-tnH", "state", "established", "src", shown])
            if !sockets.stdoutLines.isEmpty { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func status(_ lab: NetworkLab, _ role: String, _ address: String) async throws -> [PlumbedAddress] {
        let parsed = try IPAddress(address)
        return try await inNamespace(lab[role].namespace) { try VIPController().status(of: parsed) }
    }
}

/// Everything a watch reported so far, so that tests can wait for one event with a deadline.
final class EventLog: Sendable {
    private final class Storage: Sendable {
        let events = Mutex<[VIPEvent]>([])
    }

    private let storage = Storage()
    private let reader: Task<Void, Never>

    init(_ watch: VIPWatch) {
        let storage = self.storage
        reader = Task { for await event in watch.events { storage.events.withLock { $0.append(event) } } }
    }

    /// Waits up to `seconds` for the event; polls every 20 ms.
    func waitFor(_ expected: VIPEvent, seconds: Double = 3) async -> Bool {
        for _ in 0..<Int(seconds * 50) {
            if storage.events.withLock({ $0.contains(expected) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    var all: [VIPEvent] { storage.events.withLock { $0 } }

    deinit { reader.cancel() }
}
