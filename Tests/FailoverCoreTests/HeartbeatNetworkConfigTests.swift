import DNSModel
import Testing
import ConfigFile
@testable import FailoverCore

/// `heartbeat = [...]` in `pair.nodes`: one address per heartbeat network, network i joining the
/// i-th address of each node.
@Suite struct HeartbeatNetworkConfigTests {
    static let nodeA = "address = \"192.0.2.11\" }"
    static let nodeB = "address = \"192.0.2.12\" }"

    /// The design example with these heartbeat lists for node-a and node-b (nil: none written).
    static func text(a: String?, b: String?) -> String {
        var text = ConfigLoaderTests.valid
        if let a { text = text.replacingFirst(nodeA, with: "address = \"192.0.2.11\", heartbeat = \(a) }") }
        if let b { text = text.replacingFirst(nodeB, with: "address = \"192.0.2.12\", heartbeat = \(b) }") }
        return text
    }

    static func load(a: String?, b: String?) throws(ConfigError) -> DNSFixConfig {
        try ConfigLoader.load(text: text(a: a, b: b), file: "dnsfix.toml")
    }

    static func error(a: String?, b: String?) -> ConfigError? {
        do {
            _ = try load(a: a, b: b)
            return nil
        } catch {
            return error
        }
    }

    @Test func withoutTheKeyTheNodesAddressCarriesTheHeartbeats() throws {
        let config = try Self.load(a: nil, b: nil)
        let (a, b) = (config.pair.nodes[0], config.pair.nodes[1])
        #expect(a.heartbeat == [a.address])
        #expect(HeartbeatNetwork.between(b, and: a) == [HeartbeatNetwork(index: 0, local: b.address, peer: a.address)])
    }

    @Test func networkIJoinsTheIthAddressOfEachNode() throws {
        let config = try Self.load(a: #"["192.0.2.11", "198.51.100.11"]"#, b: #"["192.0.2.12", "198.51.100.12"]"#)
        let networks = HeartbeatNetwork.between(config.pair.nodes[0], and: config.pair.nodes[1])
        #expect(networks == [
            HeartbeatNetwork(index: 0, local: try IPAddress("192.0.2.11"), peer: try IPAddress("192.0.2.12")),
            HeartbeatNetwork(index: 1, local: try IPAddress("198.51.100.11"), peer: try IPAddress("198.51.100.12")),
        ])
        let ipv6 = try Self.load(a: #"["192.0.2.11", "2001:db8:1::11"]"#, b: #"["192.0.2.12", "2001:db8:1::12"]"#)
        #expect(ipv6.pair.nodes[1].heartbeat.last == (try IPAddress("2001:db8:1::12")))
    }

    @Test func bothNodesMustListAsManyAddresses() {
        let error = Self.error(a: #"["192.0.2.11", "198.51.100.11"]"#, b: nil)
        #expect(error?.description == "dnsfix.toml:4: pair.nodes.1.heartbeat: node-b has 1 heartbeat address and node-a "
            + "2 heartbeat addresses: both must list one address per network, network i joining the i-th address of each")
    }

    @Test func aBadAddressIsNamedWithItsNodesLine() {
        let error = Self.error(a: #"["192.0.2.11"]"#, b: #"["192.0.2.12", "198.51.100.300"]"#)
        #expect(error?.line == 4)
        #expect(error?.key == "pair.nodes.1.heartbeat")
        #expect(error?.message.contains("198.51.100.300") == true)
        #expect(Self.error(a: "[]", b: nil)?.description
            == "dnsfix.toml:3: pair.nodes.0.heartbeat: must list at least one address (leave it out to use address)")
        #expect(Self.error(a: "\"192.0.2.11\"", b: nil)?.key == "pair.nodes.0.heartbeat")
    }

    @Test func anAddressMayServeOnlyOnce() {
        #expect(Self.error(a: #"["192.0.2.11", "192.0.2.11"]"#, b: #"["192.0.2.12", "198.51.100.12"]"#)?.description
            == "dnsfix.toml:3: pair.nodes.0.heartbeat: lists 192.0.2.11 twice")
        #expect(Self.error(a: #"["192.0.2.11", "198.51.100.11"]"#, b: #"["192.0.2.12", "198.51.100.11"]"#)?.description
            == "dnsfix.toml:4: pair.nodes.1.heartbeat: 198.51.100.11 is a heartbeat address of both nodes")
    }

    @Test func oneNetworkIsOfOneFamily() {
        let error = Self.error(a: #"["192.0.2.11", "198.51.100.11"]"#, b: #"["192.0.2.12", "2001:db8::12"]"#)
        #expect(error?.description == "dnsfix.toml:4: pair.nodes.1.heartbeat: network 1 joins 198.51.100.11 (node-a) and "
            + "2001:db8::12 (node-b): the two addresses of one network must be of one family")
    }

    @Test func aMisspeltKeyInTheSecondNodeNamesItsLine() {
        let text = ConfigLoaderTests.valid.replacingFirst(Self.nodeB, with: "address = \"192.0.2.12\", heartbeats = [] }")
        #expect(throws: ConfigError(file: "dnsfix.toml", line: 4, key: "pair.nodes.1.heartbeats", message: "unknown key (misspelt?)")) {
            try ConfigLoader.load(text: text, file: "dnsfix.toml")
        }
    }

    @Test func differingNetworksAreUnsafeNotBroken() throws {
        let base = ConfigFingerprint(try Self.load(a: nil, b: nil))
        #expect(ConfigFingerprint(try Self.load(a: #"["192.0.2.11"]"#, b: #"["192.0.2.12"]"#)) == base,
                "writing the default changes nothing: a pair on one network agrees with agents that knew no other")
        let two = ConfigFingerprint(try Self.load(a: #"["192.0.2.11", "198.51.100.11"]"#, b: #"["192.0.2.12", "198.51.100.12"]"#))
        #expect(two.settings != base.settings)
        #expect(two.identity == base.identity && two.preference == base.preference)
    }
}
