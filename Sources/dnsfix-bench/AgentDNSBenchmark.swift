import ArgumentParser
import DNSModel
import Foundation
import TestSupport
import VIPControl

/// The agent benchmark's DNS half: two real agents with a real named on the bridge as the zone's
/// primary and the arbiter, watched from the client (announcements) and from the server's own
/// namespace (what the primary answers, polled every half millisecond).
extension AgentBenchmark {
    struct DNSResults {
        var takeoverWithArbiter = Measurement(method: "arbiter: kill -9 → survivor's first announcement")
        var ownerRecord = Measurement(method: "arbiter: kill -9 → owner record names the survivor")
        var dnsOnly = Measurement(method: "DNS-only: kill -9 → shared name answers the survivor")
        var fenced = Measurement(method: "arbiter: active cut off from peer and DNS → it drops the VIP (fence 2 s)")
        var overlap = Measurement(method: "arbiter: then both hold the VIP (peer's announcement → old drop)")
    }

    static func measureWithDNS(runs: Int, fenceRuns: Int) async throws -> DNSResults {
        let vip = try IPAddress("192.0.2.50")
        return try await Bed.with(vip: vip) { bed in
            let (lab, server, heard, macs) = (bed.lab, bed.server, bed.heard, bed.macs)
            let primary = PrimaryWatch(lab: lab, server: server)
            var results = DNSResults()

            try await BenchPair.with(lab, sections: [vipSection(vip), dnsSection(server)]) { pair in
                for _ in 0..<runs {
                    let (active, standby) = try await pair.settled()
                    let killed = ContinuousClock.now
                    async let ownerNamed = primary.firstTime(seconds: 3) { primary.owner()?.hasPrefix("node=\(standby) ") == true }
                    await pair.kill(active)
                    results.takeoverWithArbiter.record(try heard.first(after: killed, from: macs[standby], seconds: 3) - killed)
                    results.ownerRecord.record(try await ownerNamed - killed)
                    try await pair.restart(active)
                }
                for _ in 0..<fenceRuns {
                    let (active, standby) = try await pair.settled()
                    let cut = ContinuousClock.now
                    try await pair.isolate(active, from: [lab[standby].ipv4, lab["dns"].ipv4])
                    try await pair.isolate(standby, from: [lab[active].ipv4])
                    let dropped = try await pair.firstTime(seconds: 5) { pair.status(active)?.holdsVIP == false }
                    let taken = try heard.first(after: cut, from: macs[standby], seconds: 5)
                    results.fenced.record(dropped - cut)
                    results.overlap.record(max(.zero, dropped - taken))
                    try await pair.isolate(active, from: [lab[standby].ipv4, lab["dns"].ipv4], undo: true)
                    try await pair.isolate(standby, from: [lab[active].ipv4], undo: true)
                }
            }
            try await BenchPair.with(lab, sections: [dnsSection(server)]) { pair in
                for _ in 0..<runs {
                    let (active, standby) = try await pair.settled()
                    let killed = ContinuousClock.now
                    let survivor = lab[standby].ipv4
                    async let named = primary.firstTime(seconds: 3) { primary.sharedName() == [survivor] }
                    await pair.kill(active)
                    results.dnsOnly.record(try await named - killed)
                    try await pair.restart(active)
                }
            }
            return results
        }
    }

    static func vipSection(_ vip: IPAddress) -> String {
        """
        [vip]
        addresses = ["\(vip)"]
        topology = [ { subnet = "192.0.2.0/24", interface = "eth1" } ]
        arp = { count = 1 }
        """
    }

    static func dnsSection(_ server: RunningDNSServer) -> String {
        """
        [dns]
        server = "\(server.address):\(server.port)"
        zone = "example.test."
        name = "app.example.test."
        key_file = "\(server.keyFile())"
        """
    }
}

/// What the zone's primary answers, asked from inside its namespace on a thread of its own.
struct PrimaryWatch: Sendable {
    let namespace: String
    let address: String
    let port: UInt16

    init(lab: NetworkLab, server: RunningDNSServer) {
        namespace = lab["dns"].namespace
        address = server.address
        port = server.port
    }

    /// The owner record's text. Call only from `firstTime`'s condition (it runs in the namespace).
    func owner() -> String? {
        DNSProbe.query(address: address, port: port, name: "_dnsfix-owner.app.example.test.", type: DNSProbe.typeTXT, timeout: 0.05)?
            .answers.first { $0.type == DNSProbe.typeTXT }?.txt
    }

    /// The shared name's IPv4 addresses. Call only from `firstTime`'s condition.
    func sharedName() -> [String]? {
        DNSProbe.query(address: address, port: port, name: "app.example.test.", type: DNSProbe.typeA, timeout: 0.05)?
            .answers.filter { $0.type == DNSProbe.typeA && $0.rdata.count == 4 }.map { $0.rdata.map(String.init).joined(separator: ".") }
    }

    /// When `condition` first held, polling every half millisecond for at most `seconds`.
    func firstTime(seconds: Double, _ condition: @escaping @Sendable () -> Bool) async throws -> ContinuousClock.Instant {
        try await inNamespace(namespace) {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while ContinuousClock.now < deadline {
                if condition() { return ContinuousClock.now }
                usleep(500)
            }
            throw ValidationError("the zone's primary did not give the expected answer within \(seconds) s")
        }
    }
}
