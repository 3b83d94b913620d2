import DNSModel
import Foundation
import Testing
import TestSupport
import VIPControl

/// Every refusal, with its message, before anything is changed.
@Suite(.enabled(if: NetworkLab.canRun, Lab.reason))
struct VIPRefusalTests {
    @Test func theNodesOwnAddressIsRefused() async throws {
        try await NetworkLab.with(roles: ["a"]) { lab in
            let own = lab["a"].ipv4
            let error = await #expect(throws: VIPError.self) { try await Lab.plumb(lab, "a", own) }
            #expect("\(try #require(error))" == "\(own) is this node's own address on eth1 (not plumbed by dnsfix); the VIP must be another address")
            // Named by the config as a node's address, it is refused even where it is not plumbed.
            let placement = try VIPPlacement(address: try IPAddress("192.0.2.12"), interface: "eth1")
            let named = await #expect(throws: VIPError.self) {
                try await inNamespace(lab["a"].namespace) {
                    try VIPController().plumb(placement, ownAddresses: [try IPAddress("192.0.2.12")])
                }
            }
            #expect(try #require(named) == .ownAddress(try IPAddress("192.0.2.12"), interface: "eth1"))
        }
    }

    @Test func aMissingInterfaceIsRefused() async throws {
        try await NetworkLab.with(roles: ["a"]) { lab in
            let placement = try VIPPlacement(address: try IPAddress(Lab.vip4), interface: "eth9")
            let error = await #expect(throws: VIPError.self) {
                try await inNamespace(lab["a"].namespace) { try VIPController().plumb(placement) }
            }
            #expect("\(try #require(error))" == "there is no interface eth9 on this host")
        }
    }

    @Test func missingCapabilitiesAreNamed() async throws {
        try await NetworkLab.with(roles: ["a"]) { lab in
            let result = try await lab.run(in: "a", ["setpriv", "--bounding-set", "-net_admin,-net_raw", ProjectPaths.product("dnsfix"),
                                                    "vip", "plumb", "--address", Lab.vip4, "--interface", "eth1"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("lacks CAP_NET_ADMIN and CAP_NET_RAW"))
            #expect(try await Lab.status(lab, "a", Lab.vip4).isEmpty)
        }
    }

    @Test func aVIPOutsideTheTopologySuggestsDNSOnlyMode() throws {
        let topology = VIPTopology([.init(network: try IPNetwork(parsing: "198.51.100.0/24"), interface: "eth1", cidrmask: nil)])
        let error = #expect(throws: VIPError.self) { try topology.placement(for: try IPAddress(Lab.vip4)) }
        #expect("\(try #require(error))" == "192.0.2.50 is in no topology subnet (the topology has 198.51.100.0/24 on eth1), so no "
            + "interface can carry it; add a [vip] topology entry for its subnet, or leave [vip] out and run in DNS-only mode")
    }
}
