import Foundation
import Testing
import TestSupport

/// The `dnsfix vip` binary itself, run in the lab's namespaces through the same moves.
@Suite(.enabled(if: NetworkLab.canRun, Lab.reason))
struct VIPCommandTests {
    private func dnsfix(_ lab: NetworkLab, in role: String, _ arguments: [String]) async throws -> ProcessResult {
        try await lab.run(in: role, [ProjectPaths.product("dnsfix"), "vip"] + arguments, timeout: 30)
    }

    /// A pair config whose [vip] holds both VIPs, with a topology for each subnet.
    private func writeConfig(vipTopology: String = "192.0.2.0/24") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dfx-vip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("dnsfix.toml").path
        try """
            [pair]
            name = "app"
            nodes = [ { name = "node-a", address = "192.0.2.11" }, { name = "node-b", address = "192.0.2.12" } ]

            [vip]
            addresses = ["\(Lab.vip4)", "\(Lab.vip6)"]
            topology = [ { subnet = "\(vipTopology)", interface = "eth1", cidrmask = 32 },
                         { subnet = "2001:db8::/64", interface = "eth1" } ]
            arp = { count = 1, interval = "100ms" }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theBinaryMovesBothVIPsFromTheConfigAndTheClientFollows() async throws {
        let config = try writeConfig()
        defer { try? FileManager.default.removeItem(atPath: (config as NSString).deletingLastPathComponent) }
        try await NetworkLab.with(roles: ["client", "a", "b", "c"]) { lab in
            let listeners = TCPPeers.serve(lab, roles: ["a", "b"])
            defer { listeners.cancel() }

            let plumbed = try await dnsfix(lab, in: "a", ["plumb", "--config", config])
            #expect(plumbed.succeeded, "\(plumbed)")
            #expect(plumbed.stdoutLines.first?.hasPrefix("plumbed 192.0.2.50/32 on eth1, label eth1:dfx, announced once") == true)
            #expect(plumbed.stdoutLines.count == 2)
            for vip in [Lab.vip4, Lab.vip6] { #expect(try await TCPPeers.connect(lab, from: "client", to: vip) == ["a"]) }

            let again = try await dnsfix(lab, in: "a", ["plumb", "--config", config])
            #expect(again.succeeded)
            #expect(again.stdoutLines.allSatisfy { $0.hasPrefix("already plumbed") })

            let status = try await dnsfix(lab, in: "a", ["status", "--config", config, "--json"])
            #expect(status.stdout.contains(#""interface":"eth1","label":"eth1:dfx","plumbedByDNSFix":true,"prefixLength":32"#))
            #expect(status.status == 0)

            let held = Task { try await TCPPeers.connect(lab, from: "client", to: Lab.vip4, hold: 8) }
            #expect(try await Lab.waitForConnection(lab, in: "a", to: Lab.vip4))
            let unplumbed = try await dnsfix(lab, in: "a", ["unplumb", "--config", config, "--reset-connections"])
            #expect(unplumbed.stdoutLines == ["removed 192.0.2.50/32 from eth1", "removed 2001:db8::50/128 from eth1"])
            #expect(try await held.value == ["a", "reset"])
            let gone = try await dnsfix(lab, in: "a", ["status", "--config", config])
            #expect(gone.status == 6, "not plumbed here: \(gone)")

            // systemd's ExecStopPost runs unplumb for every pair: a DNS-only pair has nothing to remove.
            let dnsOnly = (config as NSString).deletingLastPathComponent + "/dns-only.toml"
            try String(try String(contentsOfFile: config, encoding: .utf8).split(separator: "[vip]")[0])
                .appending("[dns]\nname = \"app.example.test.\"\n").write(toFile: dnsOnly, atomically: true, encoding: .utf8)
            let nothing = try await dnsfix(lab, in: "a", ["unplumb", "--config", dnsOnly, "--node", "node-a"])
            #expect(nothing.status == 0, "\(nothing)")
            #expect(nothing.stdout.contains("nothing to remove"))

            let onB = try await dnsfix(lab, in: "b", ["plumb", "--address", Lab.vip4, "--interface", "eth1", "--announce", "1"])
            #expect(onB.succeeded, "\(onB)")
            let macB = try await lab.mac(of: "b")
            #expect(try await lab.neighbourMAC(in: "client", of: Lab.vip4) == macB)
            #expect(try await TCPPeers.connect(lab, from: "client", to: Lab.vip4) == ["b"])

            let probe = try await dnsfix(lab, in: "c", ["probe", "--address", Lab.vip4, "--interface", "eth1"])
            #expect(probe.status == 5)
            #expect(probe.stderr.contains("another host (MAC \(macB)) already answers for 192.0.2.50 on eth1; nothing was plumbed"))
            let conflicting = try await dnsfix(lab, in: "c", ["plumb", "--address", Lab.vip4, "--interface", "eth1"])
            #expect(conflicting.status == 5)
            #expect(try await Lab.status(lab, "c", Lab.vip4).isEmpty)
            let ignoringB = try await dnsfix(lab, in: "c", ["probe", "--address", Lab.vip4, "--interface", "eth1", "--ignore-mac", macB])
            #expect(ignoringB.succeeded)
        }
    }

    @Test func refusalsExitWithTheirCodes() async throws {
        let outside = try writeConfig(vipTopology: "198.51.100.0/24")
        defer { try? FileManager.default.removeItem(atPath: (outside as NSString).deletingLastPathComponent) }
        try await NetworkLab.with(roles: ["a"]) { lab in
            let notInTopology = try await dnsfix(lab, in: "a", ["plumb", "--config", outside])
            #expect(notInTopology.status == 2)
            #expect(notInTopology.stderr.contains("DNS-only mode"))

            let own = try await dnsfix(lab, in: "a", ["plumb", "--address", lab["a"].ipv4, "--interface", "eth1"])
            #expect(own.status == 2)
            #expect(own.stderr.contains("is this node's own address on eth1"))

            let noInterface = try await dnsfix(lab, in: "a", ["plumb", "--address", Lab.vip4, "--interface", "eth9"])
            #expect(noInterface.status == 2)
            #expect(noInterface.stderr.contains("there is no interface eth9"))

            let noWhere = try await dnsfix(lab, in: "a", ["plumb", "--address", Lab.vip4])
            #expect(noWhere.status == 2)
            #expect(noWhere.stderr.contains("give --interface"))

            let notPlumbed = try await dnsfix(lab, in: "a", ["unplumb", "--address", Lab.vip4])
            #expect(notPlumbed.succeeded)
            #expect(notPlumbed.stdoutLines == ["192.0.2.50 was not plumbed"])
        }
    }
}
