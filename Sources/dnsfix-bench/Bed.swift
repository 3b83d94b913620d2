import DNSModel
import Foundation
import TestSupport
import VIPControl

/// The bed the agent benchmarks share: a client, nodes a and b and named in network namespaces on
/// one bridge; each node serves the demonstration's service; the client's packet socket records every
/// announcement of the VIP. Everything goes when `body` ends, throws or is cancelled.
struct Bed: Sendable {
    let lab: NetworkLab
    let server: RunningDNSServer
    let vip: IPAddress
    let heard: HeardAnnouncements
    let macs: [String: MACAddress]

    static func with<T: Sendable>(vip: IPAddress, _ body: (Bed) async throws -> T) async throws -> T {
        try await NetworkLab.with(roles: ["client", "a", "b", "dns"]) { lab in
            let placement = DNSServerPlacement.inNamespace(lab["dns"].namespace, address: lab["dns"].ipv4)
            return try await withDNSServer(.bind, placement: placement) { server in
                let services = TimelineRecorder()
                defer { services.stop() }
                for node in ["a", "b"] { try await DemoService.serve(node, in: lab[node].namespace) { services.isStopped } }
                let heard = HeardAnnouncements()
                let listener = try await inNamespace(lab["client"].namespace) { try AnnouncementListener(address: vip, interface: "eth1") }
                let capture = CaptureThread(listener: listener, heard: heard)
                defer { capture.stop() }
                var macs: [String: MACAddress] = [:]
                for node in ["a", "b"] { macs[node] = MACAddress(try await lab.mac(of: node)) }
                return try await body(Bed(lab: lab, server: server, vip: vip, heard: heard, macs: macs))
            }
        }
    }
}
