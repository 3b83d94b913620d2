import DNSModel
import Foundation
import TestSupport

/// Whether each method found exactly the injected duplicates.
extension AuditBenchmark {
    struct ReportJSON: Decodable {
        struct FindingJSON: Decodable {
            var code: String
            var severity: String
            var address: String?
            var records: [String]
        }
        var clean: Bool
        var records: Int
        var findings: [FindingJSON]
    }

    /// Exactly one duplicate-address note per injected address, naming both hosts, and nothing else.
    static func checkDnsfix(_ result: ProcessResult, zones: BenchZones) -> [String] {
        var failures: [String] = []
        if result.terminatedBySignal || result.status != 0 {
            failures.append("dnsfix audit exited with \(result.terminatedBySignal ? "signal" : "status") \(result.status) (0 expected: only notes)")
        }
        if !result.stderr.isEmpty { failures.append("dnsfix audit wrote to stderr: \(result.stderr.prefix(500))") }
        guard let report = try? JSONDecoder().decode(ReportJSON.self, from: Data(result.stdout.utf8)) else {
            return failures + ["dnsfix audit --json printed no report: \(result.stdout.prefix(500))"]
        }
        if report.records != zones.records { failures.append("dnsfix read \(report.records) records, not \(zones.records)") }
        if !report.clean { failures.append("dnsfix reported the zones as not clean (only notes expected)") }
        var seen = Set<IPAddress>()
        var unexpected = 0
        for finding in report.findings {
            guard finding.code == "duplicate-address", finding.severity == "note",
                  let text = finding.address, let address = try? IPAddress(text), let names = zones.injected[address] else {
                unexpected += 1
                if unexpected <= 5 { failures.append("unexpected finding: \(finding.severity) \(finding.code) \(finding.address ?? "") \(finding.records)") }
                continue
            }
            let owners = Set(finding.records.compactMap { $0.split(separator: " ").first.map(String.init) })
            if owners != [names.first, names.second] {
                failures.append("\(address): the finding names \(owners.sorted()), not \(names.first) and \(names.second)")
            }
            if !seen.insert(address).inserted { failures.append("\(address) is reported twice") }
        }
        if unexpected > 5 { failures.append("… \(unexpected - 5) more unexpected findings") }
        let missed = zones.injected.count - seen.count
        if missed > 0 {
            let examples = zones.injected.keys.filter { !seen.contains($0) }.sorted().prefix(5).map(\.description)
            failures.append("dnsfix missed \(missed) of \(zones.injected.count) injected duplicates (\(examples.joined(separator: ", ")) …)")
        }
        return failures
    }

    /// The pipeline prints each duplicated address once: exactly the injected ones. The records pipeline
    /// also prints the NS and SOA data that the five generated zones share, and nothing else.
    static func checkPipeline(_ pipeline: Pipeline, _ result: ProcessResult, zones: BenchZones) -> [String] {
        if result.terminatedBySignal || result.status != 0 {
            return ["\(pipeline): failed (\(result.status)): \(result.stderr.prefix(500))"]
        }
        var addresses: [String] = []
        var failures: [String] = []
        for line in result.stdoutLines {
            guard pipeline == .records else { addresses.append(line); continue }
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            switch fields.count == 2 ? fields[0] : "" {
            case "A", "AAAA": addresses.append(fields[1])
            case "NS", "SOA": continue
            default: failures.append("\(pipeline): unexpected duplicate \(line)")
            }
        }
        let found = Set(addresses.compactMap { try? IPAddress($0) })
        if found.count != addresses.count { failures.append("\(pipeline): \(addresses.count) lines for \(found.count) addresses") }
        if found != Set(zones.injected.keys) {
            failures.append("\(pipeline): found \(found.count) duplicated addresses, \(found.subtracting(zones.injected.keys).count) "
                            + "of them not injected, and missed \(Set(zones.injected.keys).subtracting(found).count)")
        }
        return failures
    }
}
