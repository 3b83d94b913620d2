import Foundation
import TestSupport
import Testing

/// ops/keepalived/keepalived.conf.example as docs/keepalived.md has operators use it: keepalived
/// (Debian's) moves the VIP between two namespaces, its notify_master runs `dnsfix update --config`
/// against a real named on the bridge, and `dnsfix audit` cleans what keepalived alone leaves.
@Suite(.enabled(if: NetworkLab.canRun, "skipped: needs root to create network namespaces and plumb addresses"))
struct KeepalivedRecipeTests {
    struct RecipeChanged: Error {
        let missing: String
    }

    static let vip = "192.0.2.50"
    static let shared = "app.example.test."
    static let vipPointer = "50.2.0.192.in-addr.arpa."

    /// The recipe for `node`: node-a's file as it stands, node-b's changed as its comment says, both
    /// with the lab's addresses and this test's paths. Every replaced text must be there.
    static func recipe(for node: String, lab: NetworkLab, dnsfix: String, config: String) throws -> String {
        var text = try String(contentsOfFile: ProjectPaths.root + "/ops/keepalived/keepalived.conf.example", encoding: .utf8)
        let peer = node == "a" ? "b" : "a"
        var replacements = [("/usr/local/bin/dnsfix", dnsfix), ("/etc/dnsfix/dnsfix.toml", config),
                            ("unicast_src_ip 192.0.2.11", "unicast_src_ip \(lab[node].ipv4)"),
                            ("    192.0.2.12\n", "    \(lab[peer].ipv4)\n")]
        if node == "b" { replacements += [("router_id node-a", "router_id node-b"), ("priority 101", "priority 100")] }
        for (old, new) in replacements {
            guard text.contains(old) else { throw RecipeChanged(missing: old) }
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    /// What nsupdate notify scripts of the usual kind leave after a few failovers: the VIP under both
    /// nodes' own names, and its PTR naming one node.
    static func leaveWhatScriptsLeave(_ server: RunningDNSServer) async throws {
        for node in ["a", "b"] {
            let added = try await server.nsupdate(["update add \(node).example.test. 300 A \(vip)"])
            #expect(added.succeeded, "\(added)")
        }
        let pointer = try await server.nsupdate(["update delete \(vipPointer) PTR", "update add \(vipPointer) 300 PTR b.example.test."])
        #expect(pointer.succeeded, "\(pointer)")
    }

    static func vipUnderNodeNames(_ server: RunningDNSServer) async throws -> [String] {
        var found: [String] = []
        for node in ["a", "b"] where try await server.dig("\(node).example.test.", "A").contains(vip) { found.append(node) }
        return found
    }

    @Test func dnsFollowsAKeepalivedFailoverAndAuditCleansWhatKeepalivedAloneLeaves() async throws {
        #expect((try? findExecutable("keepalived")) != nil, "keepalived comes with scripts/setup")
        // keepalived's script security wants the program in a directory only root can write.
        let directory = NSTemporaryDirectory() + "dnsfix-recipe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dnsfix = directory + "/dnsfix"
        try FileManager.default.copyItem(atPath: ProjectPaths.product("dnsfix"), toPath: dnsfix)
        let config = directory + "/dnsfix.toml"

        try await NetworkLab.with(roles: ["a", "b", "dns"]) { lab in
            let placement = DNSServerPlacement.inNamespace(lab["dns"].namespace, address: lab["dns"].ipv4)
            try await withDNSServer(.bind, placement: placement) { server in
                try vipPairConfig(nodes: [("a", lab["a"].ipv4), ("b", lab["b"].ipv4)], vip: Self.vip, server: server,
                                  name: Self.shared, dnsExtra: "ptr = true").write(toFile: config, atomically: true, encoding: .utf8)
                let recipes = try ["a", "b"].reduce(into: [String: String]()) { recipes, node in
                    recipes[node] = try Self.recipe(for: node, lab: lab, dnsfix: dnsfix, config: config)
                }
                let audit = [dnsfix, "audit", "--config", config, "--node", "a"]

                try await Self.leaveWhatScriptsLeave(server)
                let before = try await lab.run(in: "a", audit)
                #expect(before.status == 1, "the leftovers are findings: \(before.stdout) \(before.stderr)")

                try await KeepalivedPair.with(lab, config: { node, _ in recipes[node] ?? "" }) { keepalived in
                    let logs = { "--- a\n\(keepalived.log("a"))\n--- b\n\(keepalived.log("b"))" }
                    // node a, the higher priority, becomes master; its notify_master sets the DNS right.
                    #expect(try await eventually(seconds: 15) { try await lab.holders(of: Self.vip) == ["a"] }, "\(logs())")
                    #expect(try await eventually(seconds: 10) {
                        let sharedName = try await server.dig(Self.shared, "A")
                        let strays = try await Self.vipUnderNodeNames(server)
                        return sharedName == [Self.vip] && strays.isEmpty
                    }, "\(logs())")
                    #expect(try await server.dig(Self.vipPointer, "PTR") == [Self.shared])
                    let clean = try await lab.run(in: "a", audit)
                    #expect(clean.status == 0, "\(clean.stdout) \(clean.stderr)")

                    // Node b's old script registers the VIP under its name once more; then node a's
                    // keepalived dies. Node b's notify_master takes the VIP off node b's name.
                    #expect(try await server.nsupdate(["update add b.example.test. 300 A \(Self.vip)"]).succeeded)
                    await keepalived.kill("a")
                    #expect(try await eventually(seconds: 15) { try await lab.holders(of: Self.vip).contains("b") }, "\(logs())")
                    #expect(try await eventually(seconds: 10) { try await Self.vipUnderNodeNames(server).isEmpty },
                            "node b's notify_master ran dnsfix update\n\(logs())")
                    #expect(try await server.dig(Self.shared, "A") == [Self.vip])
                    #expect(try await server.dig(Self.vipPointer, "PTR") == [Self.shared])
                    #expect(keepalived.log("b").contains("Entering MASTER STATE"), "\(logs())")
                }

                // keepalived alone, with nsupdate scripts: the same leftovers, which audit repairs.
                try await Self.leaveWhatScriptsLeave(server)
                let repaired = try await lab.run(in: "a", audit + ["--fix", "--apply"])
                #expect(repaired.stderr.isEmpty, "\(repaired.stdout) \(repaired.stderr)")
                #expect(try await Self.vipUnderNodeNames(server).isEmpty, "\(repaired.stdout)")
                #expect(try await server.dig(Self.vipPointer, "PTR") == [Self.shared], "\(repaired.stdout)")
                let after = try await lab.run(in: "a", audit)
                #expect(after.status == 0, "\(after.stdout) \(after.stderr)")
            }
        }
    }
}
