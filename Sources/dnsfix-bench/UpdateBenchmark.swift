import ArgumentParser
import DNSModel
import DNSUpdate
import Foundation
import TestSupport

/// Sequential TSIG-signed replace updates on one local server: the library, one `dnsfix update`
/// process per update, one `nsupdate` process per update (what restart scripts do today) and one
/// `nsupdate` batch (the server's own floor).
struct UpdateBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update")

    @Option(help: "Updates per method.")
    var count = 1000

    @Option(help: "Updates sent before measuring, so that no method pays for the server's warm-up.")
    var warmup = 200

    @Option(help: "The server to measure against: bind or knot.")
    var server: String = "bind"

    func run() async throws {
        guard let kind = DNSServerKind(rawValue: server) else { throw ValidationError("--server is bind or knot") }
        let count = self.count
        try await withDNSServer(kind) { server in
            let keyPath = server.keyFile()
            let key = try TSIGKey(keyFileContents: String(contentsOfFile: keyPath, encoding: .utf8), origin: keyPath)
            let endpoint = ServerEndpoint(host: server.address, port: server.port)
            let zone = try DNSName("example.test.")
            func address(_ index: Int) -> String { "192.0.2.\(index % 200 + 1)" }
            print("\(count) sequential TSIG-signed replace updates (delete RRset + add) per method, \(kind) on \(server.endpoint)\n")

            // Each method must change the zone once per update: the SOA serial proves the server applied them.
            var serial = try await server.serial()
            func checkApplied(_ method: String) async throws {
                let now = try await server.serial()
                guard now &- serial == UInt32(count) else {
                    throw ValidationError("\(method): the serial moved by \(now &- serial), not \(count): updates were lost")
                }
                serial = now
            }

            let client = try DNSClient(server: endpoint, key: key)
            func replace(_ name: DNSName, _ index: Int) throws {
                try client.send(UpdatePlan(zone: zone, operations: [
                    .deleteRRset(name, .a),
                    .add(ResourceRecord(name: name, ttl: 30, data: .address(try IPAddress(address(index))))),
                ]))
            }
            let warmupName = try DNSName("bench-warmup.example.test.")
            for index in 0..<warmup { try replace(warmupName, index) }
            serial = try await server.serial()

            let libraryName = try DNSName("bench-library.example.test.")
            let library = try await Measurement.series("library: DNSClient.send", count: count) { index in
                try replace(libraryName, index)
            }
            try await checkApplied(library.method)

            let registrar = Registrar(client: client)
            let registrarName = try DNSName("bench-registrar.example.test.")
            let verified = try await Measurement.series("library: Registrar.apply (read, update, verify)", count: count) { index in
                _ = try registrar.apply(AddressRegistration(name: registrarName, addresses: [try IPAddress(address(index))], ttl: 30),
                                        zone: zone)
            }
            try await checkApplied(verified.method)

            let dnsfix = ProjectPaths.product("dnsfix")
            let perProcess = try await Measurement.series("process per update: dnsfix update", count: count) { index in
                let result = try await runProcess(dnsfix, ["update", "--server", server.endpoint, "--key-file", keyPath,
                                                           "--zone", "example.test.", "--name", "bench-dnsfix.example.test.",
                                                           "--address", address(index)])
                guard result.status == 0 else { throw ValidationError("dnsfix update failed: \(result.stderr)") }
            }
            try await checkApplied(perProcess.method)

            func script(_ name: String, _ index: Int) -> String {
                "zone example.test.\nupdate delete \(name) A\nupdate add \(name) 30 A \(address(index))\nsend\n"
            }
            let server = "server \(server.address) \(server.port)\n"
            let nsupdate = try await Measurement.series("process per update: nsupdate", count: count) { index in
                let result = try await runProcess("nsupdate", ["-k", keyPath], input: server + script("bench-nsupdate.example.test.", index))
                guard result.status == 0 else { throw ValidationError("nsupdate failed: \(result.stderr)") }
            }
            try await checkApplied(nsupdate.method)

            var batch = Measurement(method: "one nsupdate batch")
            let input = server + (0..<count).map { script("bench-batch.example.test.", $0) }.joined()
            let clock = ContinuousClock()
            let started = clock.now
            let result = try await runProcess("nsupdate", ["-k", keyPath], input: input, timeout: 600)
            guard result.status == 0 else { throw ValidationError("nsupdate batch failed: \(result.stderr)") }
            batch.wall = clock.now - started
            batch.count = count
            // A batch has no per-update latency; its mean stands in for both percentiles.
            let mean = batch.wall / count
            for _ in 0..<count { batch.record(mean) }
            batch.wall = clock.now - started
            try await checkApplied(batch.method)

            Table.print([library, verified, perProcess, nsupdate, batch],
                        baselines: [("nsupdate/update", nsupdate), ("nsupdate batch", batch)])
        }
    }
}
