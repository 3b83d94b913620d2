import DNSModel
import Foundation
import Testing
import TestSupport
import VIPControl

/// A third host already holds the VIP: the probe finds it and nothing is plumbed. And connections
/// to the VIP are reset before it leaves.
@Suite(.enabled(if: NetworkLab.canRun, Lab.reason))
struct VIPProbeAndResetTests {
    @Test(arguments: [Lab.vip4, Lab.vip6])
    func aProbeFindsAnotherHolderAndNothingIsPlumbed(vip: String) async throws {
        try await NetworkLab.with(roles: ["a", "intruder"]) { lab in
            try await NetworkLab.ip(["-n", lab["intruder"].namespace, "addr", "add", vip, "dev", "eth1", "nodad"])
            let intruderMAC = try await lab.mac(of: "intruder")
            let error = await #expect(throws: VIPError.self) { try await Lab.plumb(lab, "a", vip) }
            #expect(try #require(error) == .conflict(try IPAddress(vip), interface: "eth1", answeredBy: try #require(MACAddress(intruderMAC))))
            #expect("\(try #require(error))".contains(intruderMAC))
            #expect(try await Lab.status(lab, "a", vip).isEmpty)

            // The peer's MAC, named as one to ignore, is no conflict.
            let ignoring = ProbeOptions(ignoring: [try #require(MACAddress(intruderMAC))])
            #expect(try await Lab.plumb(lab, "a", vip, probe: ignoring).added)
        }
    }

    @Test(arguments: [Lab.vip4, Lab.vip6])
    func aProbeOnAQuietLinkFindsNobody(vip: String) async throws {
        try await NetworkLab.with(roles: ["a", "b"]) { lab in
            let placement = try VIPPlacement(address: try IPAddress(vip), interface: "eth1")
            let answerer = try await inNamespace(lab["a"].namespace) { try VIPController().probe(placement) }
            #expect(answerer == nil)
        }
    }

    @Test(arguments: [Lab.vip4, Lab.vip6])
    func resetKillsAnEstablishedConnectionToTheVIP(vip: String) async throws {
        try await NetworkLab.with(roles: ["client", "a"]) { lab in
            let listeners = TCPPeers.serve(lab, roles: ["a"])
            defer { listeners.cancel() }
            try await Lab.plumb(lab, "a", vip)
            let client = Task { try await TCPPeers.connect(lab, from: "client", to: vip, hold: 8) }
            #expect(try await Lab.waitForConnection(lab, in: "a", to: vip))
            let removed = try await Lab.unplumb(lab, "a", vip, resetConnections: true)
            #expect(removed.count == 1)
            // "reset" within far less than the client's 8 s hold: the kernel destroyed the socket.
            let seen = try await client.value
            #expect(seen == ["a", "reset"], "what the client saw: \(seen)")
        }
    }
}
