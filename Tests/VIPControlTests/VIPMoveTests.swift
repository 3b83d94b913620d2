import DNSModel
import Foundation
import Testing
import TestSupport
import VIPControl

/// Plumbing and moving a VIP between two hosts on one bridge, watched from a client.
@Suite(.enabled(if: NetworkLab.canRun, Lab.reason))
struct VIPMoveTests {
    @Test(arguments: [Lab.vip4, Lab.vip6])
    func theVIPMovesAndTheClientFollowsWithoutACacheFlush(vip: String) async throws {
        try await NetworkLab.with(roles: ["client", "a", "b"]) { lab in
            let listeners = TCPPeers.serve(lab, roles: ["a", "b"])
            defer { listeners.cancel() }

            let onA = try await Lab.plumb(lab, "a", vip)
            #expect(onA.added)
            #expect(try await TCPPeers.connect(lab, from: "client", to: vip) == ["a"])
            let macA = try await lab.mac(of: "a")
            #expect(try await lab.neighbourMAC(in: "client", of: vip) == macA)

            // Plumbing again is success and adds nothing.
            #expect(try await Lab.plumb(lab, "a", vip).added == false)
            #expect(try await Lab.status(lab, "a", vip).count == 1)

            #expect(try await Lab.unplumb(lab, "a", vip).map(\.interface) == ["eth1"])
            #expect(try await Lab.status(lab, "a", vip).isEmpty)
            try await Lab.plumb(lab, "b", vip)
            let macB = try await lab.mac(of: "b")
            // The announcement alone moved the client's entry: nothing flushed, nothing resolved yet.
            #expect(try await lab.neighbourMAC(in: "client", of: vip) == macB)
            #expect(try await TCPPeers.connect(lab, from: "client", to: vip) == ["b"])
        }
    }

    @Test(arguments: [Lab.vip4, Lab.vip6])
    func anAnnouncementIsOnTheWireInBothForms(vip: String) async throws {
        try await NetworkLab.with(roles: ["client", "a"]) { lab in
            let address = try IPAddress(vip)
            let namespace = lab["client"].namespace
            let heard = Task {
                try await inNamespace(namespace) {
                    let listener = try AnnouncementListener(address: address, interface: "eth1")
                    return (try listener.next(within: .seconds(3)), address.family == .v4 ? try listener.next(within: .seconds(3)) : nil)
                }
            }
            try await Task.sleep(for: .milliseconds(300))  // the listener's socket is open by then
            let outcome = try await Lab.plumb(lab, "a", vip, probe: nil)
            let (first, second) = try await heard.value
            let one = try #require(first)
            #expect(one.mac == outcome.mac)
            if address.family == .v4 {
                #expect(one.form == .arpRequest)
                #expect(try #require(second).form == .arpReply)
            } else {
                #expect(one.form == .neighbourAdvertisement)
            }
        }
    }

    @Test func aVIPLeftOnAnotherInterfaceMovesToTheNamedOne() async throws {
        try await NetworkLab.with(roles: ["a"]) { lab in
            // A second interface in the same host, the far end of a veth pair inside its namespace.
            try await NetworkLab.ip(["-n", lab["a"].namespace, "link", "add", "eth2", "type", "veth", "peer", "name", "eth3"])
            try await NetworkLab.ip(["-n", lab["a"].namespace, "link", "set", "eth2", "up"])
            let address = try IPAddress(Lab.vip4)
            try await inNamespace(lab["a"].namespace) {
                let controller = try VIPController()
                _ = try controller.plumb(try VIPPlacement(address: address, interface: "eth2"), probe: nil, announce: nil)
                _ = try controller.plumb(try VIPPlacement(address: address, interface: "eth1"), probe: nil, announce: nil)
            }
            #expect(try await Lab.status(lab, "a", Lab.vip4).map(\.interface) == ["eth1"])
            // The list of what dnsfix plumbed holds the VIP, not the host's own addresses.
            let listed = try await inNamespace(lab["a"].namespace) { try VIPController().plumbed() }
            #expect(listed.map(\.address) == [Lab.vip4])
            let removed = try await inNamespace(lab["a"].namespace) {
                try VIPController().removeEverywhere([address, try IPAddress(Lab.vip6)])
            }
            #expect(removed.map(\.interface) == ["eth1"])
            #expect(try await Lab.status(lab, "a", Lab.vip4).isEmpty)
        }
    }

    @Test func dnsfixKnowsItsOwnIPv6VIPWithAShortPrefixByItsAddressProtocol() async throws {
        try await NetworkLab.with(roles: ["a"]) { lab in
            let placement = try VIPPlacement(address: try IPAddress(Lab.vip6), interface: "eth1", cidrmask: 64)
            let outcomes = try await inNamespace(lab["a"].namespace) {
                let controller = try VIPController()
                return [try controller.plumb(placement, probe: nil, announce: nil).added,
                        try controller.plumb(placement, probe: nil, announce: nil).added]
            }
            #expect(outcomes == [true, false])
            // The host's own /64, added by hand without DAD like the VIP, is not taken for a VIP.
            let own = try #require(try await Lab.status(lab, "a", lab["a"].ipv6).first)
            #expect(!own.plumbedByDNSFix)
        }
    }
}
