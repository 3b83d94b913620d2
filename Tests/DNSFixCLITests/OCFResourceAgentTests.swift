import Foundation
import TestSupport
import Testing

/// ops/ocf/dnsname, the Pacemaker resource agent, against a real named and Knot: Debian's
/// ocf-tester, then each action by hand, as pacemaker-execd runs them.
@Suite struct OCFResourceAgentTests {
    /// The agent copied where the user nobody can read it (ocf-tester checks that), with a tracking
    /// directory of its own in place of /run/resource-agents; removed afterwards.
    final class Installed {
        let directory: String
        let agent: String
        let instance = "dnsname-\(UInt32.random(in: 0...UInt32.max))"

        init() throws {
            directory = NSTemporaryDirectory() + "dnsfix-ocf-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory + "/rsctmp", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
            agent = directory + "/dnsname"
            try FileManager.default.copyItem(atPath: ProjectPaths.root + "/ops/ocf/dnsname", toPath: agent)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: agent)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        var environment: [String: String] {
            ["OCF_ROOT": "/usr/lib/ocf", "HA_RSCTMP": directory + "/rsctmp", "OCF_RESOURCE_INSTANCE": instance]
        }

        /// One action with the parameters as Pacemaker passes them (OCF_RESKEY_*).
        func run(_ action: String, _ parameters: [String: String], interval: Int = 30_000) async throws -> ProcessResult {
            var environment = environment
            for (key, value) in parameters { environment["OCF_RESKEY_" + key] = value }
            environment["OCF_RESKEY_CRM_meta_interval"] = String(interval)
            return try await runProcess(agent, [action], environment: environment, timeout: 60)
        }
    }

    static let tester = "/usr/sbin/ocf-tester"

    func parameters(_ server: RunningDNSServer, name: String, address: String) -> [String: String] {
        ["name": name, "address": address, "server": server.endpoint, "key_file": server.keyFile(), "timeout": "1",
         "binary": ProjectPaths.product("dnsfix")]
    }

    @Test(arguments: DNSServerKind.allCases)
    func ocfTesterPasses(kind: DNSServerKind) async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.tester), "ocf-tester comes with resource-agents (scripts/setup)")
        let installed = try Installed()
        try await withDNSServer(kind) { server in
            let name = "ocf-\(UInt32.random(in: 0...UInt32.max)).example.test."
            let octet = Int.random(in: 100...250)
            var given = parameters(server, name: name, address: "192.0.2.\(octet), 2001:db8::\(octet)")
            given["ptr"] = "true"
            given["unregister_on_stop"] = "true"
            let options = given.sorted { $0.key < $1.key }.flatMap { ["-o", "\($0.key)=\($0.value)"] }
            let tested = try await runProcess(Self.tester, ["-n", installed.instance] + options + [installed.agent],
                                              environment: installed.environment, timeout: 120)
            #expect(tested.succeeded, "\(tested.stdout)\n\(tested.stderr)")
            #expect(tested.stdout.contains("passed all tests"), "\(tested.stdout)")
            // ocf-tester ends with the resource stopped: unregister_on_stop took the records away.
            #expect(try await server.dig(name, "A").isEmpty)
            #expect(try await server.dig("\(octet).2.0.192.in-addr.arpa.", "PTR").isEmpty)
        }
    }

    @Test func eachActionAsPacemakerRunsIt() async throws {
        let installed = try Installed()
        try await withDNSServer(.bind) { server in
            let name = "ocfrun-\(UInt32.random(in: 0...UInt32.max)).example.test."
            let octet = Int.random(in: 100...250)
            var given = parameters(server, name: name, address: "192.0.2.\(octet)")
            given["ptr"] = "true"

            let probe = try await installed.run("monitor", given, interval: 0)
            #expect(probe.status == 7, "a probe before the start finds it not running: \(probe.stderr)")
            let started = try await installed.run("start", given)
            #expect(started.status == 0, "\(started.stderr)")
            #expect(try await server.dig(name, "A") == ["192.0.2.\(octet)"])
            #expect(try await server.dig("\(octet).2.0.192.in-addr.arpa.", "PTR") == [name])
            #expect(try await installed.run("monitor", given).status == 0)

            // Someone points the name elsewhere: the monitor asks the primary and fails the resource,
            // and the restart that Pacemaker then does writes it again.
            let edited = try await server.nsupdate(["update delete \(name) A", "update add \(name) 30 A 192.0.2.99"])
            #expect(edited.succeeded, "\(edited)")
            let drifted = try await installed.run("monitor", given)
            #expect(drifted.status == 1, "OCF_ERR_GENERIC: \(drifted.stderr)")
            #expect(drifted.stderr.contains("the name has drifted at the primary"), "\(drifted.stderr)")
            #expect(try await installed.run("stop", given).status == 0)
            #expect(try await server.dig(name, "A") == ["192.0.2.99"], "without unregister_on_stop a stop leaves the name")
            #expect(try await installed.run("start", given).status == 0)
            #expect(try await server.dig(name, "A") == ["192.0.2.\(octet)"])

            // The server unreachable: the monitor keeps the resource, the stop still succeeds.
            var away = given
            away["server"] = "127.0.0.1:\(try freeLoopbackPort())"
            away["unregister_on_stop"] = "true"
            let unreachable = try await installed.run("monitor", away)
            #expect(unreachable.status == 0, "\(unreachable.stderr)")
            #expect(unreachable.stderr.contains("cannot be reached"), "\(unreachable.stderr)")
            let stopped = try await installed.run("stop", away)
            #expect(stopped.status == 0, "a failed stop would fence the node: \(stopped.stderr)")
            #expect(stopped.stderr.contains("the records could not be removed"), "\(stopped.stderr)")
            #expect(try await installed.run("monitor", given).status == 7)
            let refused = try await installed.run("start", away)
            #expect(refused.status == 1, "\(refused.stderr)")
        }
    }

    @Test func wrongParametersAreNamed() async throws {
        let installed = try Installed()
        try await withDNSServer(.bind) { server in
            let name = "ocfbad-\(UInt32.random(in: 0...UInt32.max)).example.test."
            let given = parameters(server, name: name, address: "192.0.2.77")

            var none = given
            none["address"] = nil
            let missing = try await installed.run("validate-all", none)
            #expect(missing.status == 6, "OCF_ERR_CONFIGURED: \(missing.stderr)")
            #expect(missing.stderr.contains("give name and address, or config"), "\(missing.stderr)")

            var keyless = given
            keyless["key_file"] = installed.directory + "/absent.key"
            let noKey = try await installed.run("start", keyless)
            #expect(noKey.status == 2, "OCF_ERR_ARGS, this node only: \(noKey.stderr)")
            #expect(noKey.stderr.contains("absent.key cannot be read on this node"), "\(noKey.stderr)")

            var wrongKey = given
            wrongKey["key_file"] = server.keyFile("wrong-secret.key")
            let refused = try await installed.run("start", wrongKey)
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("the update failed"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(try Self.secret(server.keyFile("wrong-secret.key"))), "no secret in the log")
            #expect(try await server.dig(name, "A").isEmpty)

            var badAddress = given
            badAddress["address"] = "192.0.2.300"
            let invalid = try await installed.run("start", badAddress)
            #expect(invalid.status == 6, "\(invalid.stderr)")

            var noBinary = given
            noBinary["binary"] = installed.directory + "/no-dnsfix"
            #expect(try await installed.run("start", noBinary).status == 5, "OCF_ERR_INSTALLED")
            #expect(try await installed.run("monitor", noBinary, interval: 0).status == 7, "a probe finds it not running")
        }
    }

    /// With a dnsfix config file: the name, the key and the VIP come from it.
    @Test func takesTheNameAndTheVIPFromADnsfixConfig() async throws {
        let installed = try Installed()
        try await withDNSServer(.knot) { server in
            let name = "ocfcfg-\(UInt32.random(in: 0...UInt32.max)).example.test."
            let config = installed.directory + "/dnsfix.toml"
            try vipPairConfig(vip: "192.0.2.80", server: server, name: name).write(toFile: config, atomically: true, encoding: .utf8)
            let given = ["config": config, "binary": ProjectPaths.product("dnsfix")]
            #expect(try await installed.run("validate-all", given).status == 0)
            let started = try await installed.run("start", given)
            #expect(started.status == 0, "\(started.stderr)")
            #expect(try await server.dig(name, "A") == ["192.0.2.80"])
            #expect(try await installed.run("monitor", given).status == 0)
        }
    }

    static func secret(_ keyFile: String) throws -> String {
        let text = try String(contentsOfFile: keyFile, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("secret") })
        return String(line.split(separator: "\"")[1])
    }
}
