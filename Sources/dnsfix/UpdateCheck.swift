import DNSModel
import DNSUpdate

/// `dnsfix update --check`: what the primary holds against what was asked, with nothing sent.
extension UpdateCommand {
    /// Returns when the primary holds what `registration` asks; else prints the difference and
    /// throws the `differs` exit code, so a monitor tells "not there" from "cannot ask" (4).
    func verify(_ pair: PairNameRegistration, registrar: Registrar, zone: DNSName?) throws {
        let (needed, snapshot) = try registrar.plan(pair, zone: zone)
        var report = UpdateReport(pair.shared, server: registrar.client.server, sent: needed, dryRun: true,
                                  final: snapshot)
        report.status = needed.isEmpty ? "ok" : "differs"
        report.dryRun = false
        report.check = true
        if json {
            Output.json(report)
        } else {
            let held = report.records?.map(Self.recordData) ?? []
            let holding = held.isEmpty ? "no address" : held.joined(separator: ", ")
            if needed.isEmpty {
                Output.line("\(report.name) is as requested at \(report.server) (\(holding))")
            } else {
                Output.line("\(report.name) is not as requested at \(report.server): it has \(holding); "
                    + "an update would send:")
                for message in report.messages { Output.line(message, terminator: "") }
            }
        }
        if !needed.isEmpty { throw CommandFailure(silent: .notInPlace) }
    }

    /// "192.0.2.50 (TTL 30)" from "app.example.test. 30 IN A 192.0.2.50".
    private static func recordData(_ record: String) -> String {
        let fields = record.split(separator: " ")
        guard fields.count >= 5 else { return record }
        return "\(fields[4...].joined(separator: " ")) (TTL \(fields[1]))"
    }
}
