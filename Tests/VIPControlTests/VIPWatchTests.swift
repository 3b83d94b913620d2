import DNSModel
import Foundation
import Testing
import TestSupport
import VIPControl

/// The watch reports what happens to the VIP's interface and to the VIP, whoever does it.
@Suite(.enabled(if: NetworkLab.canRun, Lab.reason))
struct VIPWatchTests {
    @Test(arguments: [Lab.vip4, Lab.vip6])
    func removalByHandAndLinkChangesArriveOnTheStream(vip: String) async throws {
        try await NetworkLab.with(roles: ["a"]) { lab in
            let namespace = lab["a"].namespace
            let address = try IPAddress(vip)
            let watch = try await inNamespace(namespace) { try VIPWatch(interface: "eth1", addresses: [address]) }
            defer { watch.stop() }
            let log = EventLog(watch)

            try await Lab.plumb(lab, "a", vip, probe: nil, announce: nil)
            #expect(await log.waitFor(.addressAdded(address, interface: "eth1")))
            let prefix = address.family == .v4 ? "/32" : "/128"
            try await NetworkLab.ip(["-n", namespace, "addr", "del", vip + prefix, "dev", "eth1"])
            #expect(await log.waitFor(.addressRemoved(address, interface: "eth1")))

            // The switch side of the cable goes down: this end keeps UP but loses its carrier.
            try await NetworkLab.ip(["-n", lab.switchNamespace, "link", "set", "p0", "down"])
            #expect(await log.waitFor(.carrierLost(interface: "eth1")))
            try await NetworkLab.ip(["-n", lab.switchNamespace, "link", "set", "p0", "up"])
            #expect(await log.waitFor(.carrierRestored(interface: "eth1")))

            try await NetworkLab.ip(["-n", namespace, "link", "set", "eth1", "down"])
            #expect(await log.waitFor(.linkDown(interface: "eth1")))
            try await NetworkLab.ip(["-n", namespace, "link", "set", "eth1", "up"])
            #expect(await log.waitFor(.linkUp(interface: "eth1")))
            #expect(!log.all.contains(.linkDown(interface: "lo")))
        }
    }
}
