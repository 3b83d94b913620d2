import DNSModel
import Testing
import ConfigFile
@testable import FailoverCore

@Suite struct ConfigLoaderTests {
    static let valid = """
        [pair]
        name = "app"
        nodes = [ { name = "node-a", address = "192.0.2.11" },
                  { name = "node-b", address = "192.0.2.12" } ]
        heartbeat = { interval = "100ms", dead_after = 3, key_file = "pair.key" }
        preference = "node-a"
        failback_delay = "30s"

        [vip]
        addresses = ["192.0.2.50", "2001:db8::50"]
        topology = [ { subnet = "192.0.2.0/24", interface = "eth1", cidrmask = 32 } ]
        arp = { count = 5, interval = "1s" }

        [dns]
        server = "127.0.0.1:5300"
        zone = "example.test."
        name = "app.example.test."
        ttl = 30
        key_file = "/etc/dnsfix/tsig.key"
        ptr = true
        arbiter = true

        [scripts]
        directory = "/etc/dnsfix/scripts"
        timeout = "30s"

        [health]
        listen = "0.0.0.0:9010"
        """

    @Test func readsTheDesignExample() throws {
        let config = try ConfigLoader.load(text: Self.valid, file: "/etc/dnsfix/dnsfix.toml")
        #expect(config.pair.nodes.map(\.name) == ["node-a", "node-b"])
        #expect(config.pair.heartbeat.interval == .milliseconds(100))
        #expect(config.pair.heartbeat.keyFile == "/etc/dnsfix/pair.key")
        #expect(config.vip?.addresses == [try IPAddress("192.0.2.50"), try IPAddress("2001:db8::50")])
        #expect(config.vip?.topology.first?.interface == "eth1")
        #expect(config.dns?.server == ServerEndpoint(host: "127.0.0.1", port: 5300))
        #expect(config.dns?.name == (try DNSName("app.example.test.")))
        #expect(config.scripts.timeout == .seconds(30))
    }

    @Test func defaultsComeFromOnePlace() throws {
        let text = """
            [pair]
            name = "app"
            nodes = [ { name = "a", address = "192.0.2.11" }, { name = "b", address = "192.0.2.12" } ]
            [dns]
            name = "app.example.test."
            """
        let config = try ConfigLoader.load(text: text, file: "c.toml")
        #expect(config.pair.heartbeat.interval == ConfigDefaults.heartbeatInterval)
        #expect(config.pair.heartbeat.deadAfter == ConfigDefaults.deadAfter)
        let dns = try #require(config.dns)
        #expect(dns.ttl == ConfigDefaults.ttl)
        #expect(dns.ptr == ConfigDefaults.ptr)
        #expect(config.vip == nil)
        #expect(config.pair.preference == nil)
    }

    func error(replacing old: String, with new: String) -> ConfigError? {
        #expect(Self.valid.contains(old), "the fixture must contain \(old)")
        do {
            _ = try ConfigLoader.load(text: Self.valid.replacingFirst(old, with: new), file: "dnsfix.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test func aWrongTypeNamesFileLineAndKey() {
        let error = error(replacing: "ttl = 30", with: "ttl = \"thirty\"")
        #expect(error?.description == "dnsfix.toml:18: dns.ttl: must be a whole number, not string")
    }

    @Test func anUnknownKeyIsCaught() {
        let error = error(replacing: "ptr = true", with: "ptrs = true")
        #expect(error?.description == "dnsfix.toml:20: dns.ptrs: unknown key (misspelt?)")
    }

    @Test func aKeyInsideAnInlineTableIsLocated() {
        let error = error(replacing: "interval = \"100ms\"", with: "interval = \"fast\"")
        #expect(error?.line == 5)
        #expect(error?.key == "pair.heartbeat.interval")
        #expect(error?.message.contains("is not a duration") == true)
    }

    @Test func preferenceMustNameANode() {
        let error = error(replacing: "preference = \"node-a\"", with: "preference = \"true\"")
        #expect(error?.description == "dnsfix.toml:6: pair.preference: names \"true\", which is not a node of the pair (node-a, node-b)")
    }

    @Test func theVIPMayNotBeANodesOwnAddress() {
        let error = error(replacing: "\"192.0.2.50\", ", with: "\"192.0.2.11\", ")
        #expect(error?.key == "vip.addresses")
        #expect(error?.line == 10)
    }

    @Test func theSharedNameMustBeInTheZone() {
        let error = error(replacing: "name = \"app.example.test.\"", with: "name = \"app.other.test.\"")
        #expect(error?.description == "dnsfix.toml:17: dns.name: app.other.test. is not in zone example.test.")
    }

    @Test func aSyntaxErrorNamesTheLine() {
        let error = error(replacing: "[dns]", with: "[dns")
        #expect(error?.line == 14)
        #expect(error?.key == nil)
    }

    @Test func somethingToManageIsRequired() {
        let text = """
            [pair]
            name = "app"
            nodes = [ { name = "a", address = "192.0.2.11" }, { name = "b", address = "192.0.2.12" } ]
            """
        #expect(throws: ConfigError(file: "c.toml", line: nil, key: nil,
                                    message: "the config needs [vip], [dns] or both: there is nothing to manage")) {
            try ConfigLoader.load(text: text, file: "c.toml")
        }
    }

    @Test func aNodeFindsItselfByHostNameOrByNode() throws {
        let config = try ConfigLoader.load(text: Self.valid, file: "dnsfix.toml")
        #expect(try config.localNode(hostname: "node-b.example.test", override: nil).name == "node-b")
        #expect(try config.localNode(hostname: "elsewhere", override: "node-a").name == "node-a")
        #expect(throws: ConfigError.self) { try config.localNode(hostname: "elsewhere", override: nil) }
        do {
            _ = try config.localNode(hostname: "x", override: "node-c")
        } catch {
            #expect(error.description == "dnsfix.toml: pair.nodes: --node node-c is not a node of pair app (node-a, node-b): give --node")
        }
    }

    @Test func startupWaitFenceAndReconcileHaveDefaultsAndAreChecked() throws {
        let config = try ConfigLoader.load(text: Self.valid, file: "dnsfix.toml")
        #expect(config.pair.startupWait == ConfigDefaults.startupWait(deadTime: .milliseconds(300)))
        let dns = try #require(config.dns)
        #expect(dns.fence == ConfigDefaults.fence)
        #expect(dns.reconcile == .seconds(30))
        #expect(error(replacing: "arbiter = true", with: "arbiter = true\nfence = \"0s\"")?.key == "dns.fence")
        let tooOften = error(replacing: "arbiter = true", with: "arbiter = true\nreconcile = \"200ms\"")
        #expect(tooOften?.key == "dns.reconcile")
        #expect(tooOften?.line == 22)
        let set = try ConfigLoader.load(text: Self.valid.replacingOccurrences(of: "arbiter = true", with: "arbiter = true\nreconcile = \"5s\""),
                                        file: "dnsfix.toml")
        #expect(MachineSettings(config: set, node: set.pair.nodes[0]).reconcileInterval == .seconds(5))
    }

    @Test func fingerprintsSeparateWhatMustAgreeFromWhatMay() throws {
        let base = ConfigFingerprint(try ConfigLoader.load(text: Self.valid, file: "a.toml"))
        func fingerprint(_ old: String, _ new: String) throws -> ConfigFingerprint {
            ConfigFingerprint(try ConfigLoader.load(text: Self.valid.replacingFirst(old, with: new), file: "b.toml"))
        }
        let otherVIP = try fingerprint("\"192.0.2.50\"", "\"192.0.2.51\"")
        #expect(otherVIP.identity != base.identity)
        #expect(otherVIP.settings == base.settings)
        let otherPreference = try fingerprint("preference = \"node-a\"", "preference = \"node-b\"")
        #expect(otherPreference.preference != base.preference)
        #expect(otherPreference.identity == base.identity)
        let otherTTL = try fingerprint("ttl = 30", "ttl = 60")
        #expect(otherTTL.settings != base.settings)
        #expect(otherTTL.identity == base.identity && otherTTL.preference == base.preference)
        #expect(try fingerprint("ttl = 30", "ttl = 30") == base, "the file's name and place do not count")
    }

    @Test func durations() {
        #expect(ConfigDuration.parse("100ms") == .milliseconds(100))
        #expect(ConfigDuration.parse("1m30s") == .seconds(90))
        #expect(ConfigDuration.parse("2h") == .seconds(7200))
        #expect(ConfigDuration.parse("10") == nil)
        #expect(ConfigDuration.parse("ms") == nil)
        #expect(ConfigDuration.format(.milliseconds(1500)) == "1500ms")
        #expect(ConfigDuration.format(.seconds(30)) == "30s")
    }
}

extension String {
    func replacingFirst(_ old: String, with new: String) -> String {
        guard let range = range(of: old) else { return self }
        return replacingCharacters(in: range, with: new)
    }
}
