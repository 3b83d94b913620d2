import Agent
import Foundation
import Testing
import TestSupport

/// Two real agents whose heartbeats travel over two networks: losing one is shown and logged but
/// moves nothing; losing both is a dead peer.
@Suite(.enabled(if: NetworkLab.canRun, "skipped: needs root to create network namespaces and plumb addresses"))
struct HeartbeatNetworksTests {
    static let vip = "198.51.100.50"

    /// Heartbeat network i is the lab's network i: eth1 on 192.0.2.0/24, then eth2 on
    /// 198.51.100.0/24, which also carries the VIP. So cutting network 0 leaves the VIP's interface
    /// alone, and only heartbeats are lost (a VIP interface without carrier is a reason to hand over).
    static func config(_ lab: NetworkLab) -> String {
        config(a: lab["a"].networkIPv4, b: lab["b"].networkIPv4)
    }

    /// Each node's heartbeat addresses; the first is its address.
    static func config(a: [String], b: [String]) -> String {
        func node(_ name: String, _ addresses: [String]) -> String {
            let list = addresses.map { "\"\($0)\"" }.joined(separator: ", ")
            return #"{ name = "\#(name)", address = "\#(addresses[0])", heartbeat = [\#(list)] }"#
        }
        return """
            [pair]
            name = "app"
            nodes = [ \(node("a", a)),
                      \(node("b", b)) ]
            heartbeat = { interval = "100ms", dead_after = 3, key_file = "pair.key" }

            [vip]
            addresses = ["\(vip)"]
            topology = [ { subnet = "198.51.100.0/24", interface = "eth2" } ]
            arp = { count = 2, interval = "200ms" }
            """
    }

    static func networksUp(_ pair: AgentHarness, _ node: String) -> [Bool]? {
        pair.status(node)?.networks.map(\.up)
    }

    static func holders(_ lab: NetworkLab) async throws -> [String] {
        try await VIPPairTests.holders(lab, vip: vip, interface: "eth2")
    }

    static func metrics(_ lab: NetworkLab, _ role: String) async throws -> String {
        try await HTTPProbe.get("http://\(lab[role].ipv4):9010/metrics", from: lab[role].namespace).body
    }

    static func logLines(_ pair: AgentHarness, _ node: String, containing text: String) -> Int {
        let log = (try? String(contentsOfFile: pair.directory + "/\(node).log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains(text) }.count
    }

    @Test func oneNetworkLostMovesNothingAndBothLostIsADeadPeer() async throws {
        try await NetworkLab.with(roles: ["a", "b"], networks: 2) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            try await withAgents(config: Self.config(lab), namespaces: namespaces) { pair in
                try await pair.start("a")
                try await Task.sleep(for: .milliseconds(200))
                try await pair.start("b")
                #expect(await pair.waitUntil {
                    pair.state("a") == "PRIM" && pair.state("b") == "SECOND"
                        && Self.networksUp(pair, "a") == [true, true] && Self.networksUp(pair, "b") == [true, true]
                }, "\(pair.logs())")
                #expect(try await Self.holders(lab) == ["a"])
                let before = try #require(pair.status("b"))
                let first = try #require(before.networks.first)
                #expect(first.local == lab["b"].ipv4 && first.peer == lab["a"].ipv4)
                #expect((before.heartbeatsDropped["duplicate"] ?? 0) > 0, "each heartbeat arrives once per network")
                #expect(before.heartbeatsDropped["replayed"] == nil, "a copy over the second network is no replay")
                let metrics = try await Self.metrics(lab, "a")
                #expect(metrics.contains(#"dnsfix_heartbeat_network_up{network="0"} 1"#), "\(metrics)")
                #expect(metrics.contains(#"dnsfix_heartbeat_network_up{network="1"} 1"#), "\(metrics)")

                // a is cut off network 0: both nodes see network 0 down and network 1 up, and
                // the pair stays as it was, well past the dead time.
                try await lab.setSwitchPort(of: "a", network: 0, up: false)
                #expect(await pair.waitUntil(seconds: 3) {
                    Self.networksUp(pair, "a") == [false, true] && Self.networksUp(pair, "b") == [false, true]
                }, "\(pair.logs())")
                try await Task.sleep(for: .seconds(1))
                #expect(pair.state("a") == "PRIM" && pair.state("b") == "SECOND", "\(pair.logs())")
                #expect(pair.status("a")?.epoch == before.epoch)
                #expect(try await Self.holders(lab) == ["a"])
                let cut = try #require(pair.status("b")?.networks)
                #expect((cut[0].lastHeardMillisecondsAgo ?? 0) >= 1_000 && (cut[1].lastHeardMillisecondsAgo ?? .max) < 1_000)
                #expect(try await Self.metrics(lab, "a").contains(#"dnsfix_heartbeat_network_up{network="0"} 0"#))
                let shown = try await runProcess(ProjectPaths.product("dnsfix"), ["status", "--control", pair.control("b")], timeout: 10)
                #expect(shown.stdout.contains("heartbeat network 0: \(lab["b"].ipv4) -> \(lab["a"].ipv4) down, heard "), "\(shown)")
                #expect(shown.stdout.contains("heartbeat network 1: \(lab["b"].networkIPv4[1]) -> \(lab["a"].networkIPv4[1]) up, heard "))
                #expect(!shown.stdout.contains("duplicate"), "copies over the second network are no news")
                for node in ["a", "b"] {
                    #expect(Self.logLines(pair, node, containing: "heartbeat network 0 (") == 2, "up once, down once: \(pair.logs())")
                }

                // Joined again: up again, one more line each.
                try await lab.setSwitchPort(of: "a", network: 0, up: true)
                #expect(await pair.waitUntil(seconds: 3) {
                    Self.networksUp(pair, "a") == [true, true] && Self.networksUp(pair, "b") == [true, true]
                }, "\(pair.logs())")
                #expect(pair.state("a") == "PRIM" && pair.state("b") == "SECOND")
                for node in ["a", "b"] {
                    #expect(Self.logLines(pair, node, containing: "heartbeat network 0 (") == 3, "\(pair.logs())")
                }

                // a cut off both networks: b hears nothing and takes over.
                try await lab.setSwitchPort(of: "a", network: 0, up: false)
                try await lab.setSwitchPort(of: "a", network: 1, up: false)
                #expect(await pair.waitUntil(seconds: 3) {
                    pair.state("b") == "ALONE" && pair.status("b")?.holdsVIP == true
                }, "\(pair.logs())")
                #expect(Self.networksUp(pair, "b") == [false, false])
                #expect(try await Self.holders(lab).contains("b"))
            }
        }
    }

    /// The VIP's network is not the one of the nodes' addresses: a killed agent's VIP answers the
    /// survivor's probe from the peer's other interface, whose MAC the survivor learnt while it stood by.
    @Test func aKilledAgentsVIPOnAnotherNetworkIsNoConflict() async throws {
        try await NetworkLab.with(roles: ["a", "b"], networks: 2) { lab in
            let namespaces = ["a": lab["a"].namespace, "b": lab["b"].namespace]
            // Heartbeats over network 0 only: nothing of the peer's on network 1 is in the ARP table.
            let config = Self.config(a: [lab["a"].ipv4], b: [lab["b"].ipv4])
            try await withAgents(config: config, namespaces: namespaces) { pair in
                try await pair.start("a")
                try await pair.start("b")
                #expect(await pair.waitUntil { pair.state("a") == "PRIM" && pair.state("b") == "SECOND" }, "\(pair.logs())")
                #expect(try await Self.holders(lab) == ["a"])
                try await Task.sleep(for: .seconds(1.5))
                await pair.kill("a")
                #expect(await pair.waitUntil(seconds: 3) { pair.state("b") == "ALONE" && pair.status("b")?.holdsVIP == true },
                        "\(pair.logs())")
                #expect(pair.status("b")?.waitReason == nil)
            }
        }
    }

    @Test func aHeartbeatAddressMissingFromTheHostStopsTheStartWithItsName() async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            // The lab has one network: a's address on a second one is on no interface.
            let missing = NetworkLab.networkPrefixes[1] + ".10"
            let config = Self.config(a: [lab["a"].ipv4, missing], b: [lab["b"].ipv4, NetworkLab.networkPrefixes[1] + ".11"])
            try await withAgents(config: config, namespaces: ["a": lab["a"].namespace]) { pair in
                try await pair.start("a")
                let ended = await pair.agents["a"]?.waitForExit(seconds: 5)
                #expect(ended != nil, "the agent must not run without one of its heartbeat networks")
                let log = try String(contentsOfFile: pair.directory + "/a.log", encoding: .utf8)
                #expect(log.contains("heartbeat network 1: cannot listen on \(missing) UDP port 9011"), "\(log)")
            }
        }
    }
}
