import Audit
import DNSModel
import Foundation

/// What `dnsfix audit` shows: the report grouped by address, the repair, and the audit after it.
struct AuditOutput {
    struct RepairOutcome {
        var plan: UpdatePlan
        var codes: [FindingCode]
        var status: String
    }

    let zones: [AuditZone]
    let report: AuditReport
    var repairs: [RepairOutcome] = []
    /// The audit after --fix --apply.
    var after: AuditReport?

    init(zones: [AuditZone], report: AuditReport) {
        self.zones = zones
        self.report = report
    }

    // MARK: Text

    func print(server: String?) {
        let style = TerminalStyle(enabled: isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        printFindings(report, style)
        if !repairs.isEmpty || after != nil {
            Output.line("")
            Output.line(style.bold(repairs.contains { $0.status != "planned" } ? "Repair:" : "Repair plan (nothing sent; add --apply):"))
            if repairs.isEmpty { Output.line("  nothing can be repaired automatically") }
            for repair in repairs {
                let status = repair.status == "planned" ? "" : "; \(repair.status)"
                Output.line("; \(repair.codes.map(\.rawValue).joined(separator: ", "))\(status)")
                Output.line(repair.plan.nsupdateScript(server: server), terminator: "")
            }
        }
        if let after {
            Output.line("")
            Output.line(style.bold("After the repair:"))
            printFindings(after, style)
        }
    }

    private func printFindings(_ report: AuditReport, _ style: TerminalStyle) {
        var group: String?
        for finding in report.findings {
            let heading = finding.address?.description ?? "other"
            if heading != group {
                Output.line(style.bold(heading))
                group = heading
            }
            Output.line("  \(style.severity(finding.severity)) \(finding.code.rawValue): \(finding.message)")
            for record in finding.records.prefix(6) { Output.line("      \(record)") }
            if finding.records.count > 6 { Output.line("      … \(finding.records.count - 6) more records") }
        }
        Output.line(summary(report))
    }

    func summary(_ report: AuditReport) -> String {
        let counts = Severity.allCases.reversed().map { "\(report.count($0)) \($0.rawValue)\(report.count($0) == 1 ? "" : "s")" }
        return "\(counts.joined(separator: ", ")) in \(report.recordCount) records of \(report.zoneCount) zone"
            + (report.zoneCount == 1 ? "" : "s") + " (\(zones.map(\.origin.description).joined(separator: " ")))"
    }

    // MARK: JSON

    struct FindingJSON: Encodable {
        var code: String
        var severity: String
        var address: String?
        var message: String
        var records: [String]
        var repairable: Bool
    }

    struct RepairJSON: Encodable {
        var codes: [String]
        var status: String
        var update: String
    }

    struct ReportJSON: Encodable {
        var clean: Bool
        var zones: [String]
        var records: Int
        var summary: [String: Int]
        var findings: [FindingJSON]
        var repairs: [RepairJSON]?
        var after: AfterJSON?
    }

    /// The audit after a repair, without a further level of repairs.
    struct AfterJSON: Encodable {
        var clean: Bool
        var summary: [String: Int]
        var findings: [FindingJSON]
    }

    var json: ReportJSON {
        ReportJSON(clean: report.isClean, zones: zones.map(\.origin.description), records: report.recordCount,
                   summary: Self.summary(report), findings: Self.findings(report),
                   repairs: repairs.isEmpty ? nil : repairs.map {
                       RepairJSON(codes: $0.codes.map(\.rawValue), status: $0.status, update: $0.plan.nsupdateScript())
                   },
                   after: after.map { AfterJSON(clean: $0.isClean, summary: Self.summary($0), findings: Self.findings($0)) })
    }

    static func summary(_ report: AuditReport) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, report.count($0)) })
    }

    static func findings(_ report: AuditReport) -> [FindingJSON] {
        report.findings.map {
            FindingJSON(code: $0.code.rawValue, severity: $0.severity.rawValue, address: $0.address?.description,
                        message: $0.message, records: $0.records.map(\.description), repairable: $0.isRepairable)
        }
    }
}

/// ANSI styles on a terminal, plain text elsewhere.
struct TerminalStyle {
    let enabled: Bool

    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

    func severity(_ severity: Severity) -> String {
        let label = severity.rawValue.uppercased()
        guard enabled else { return label }
        let colour = switch severity {
        case .error: "31"
        case .warning: "33"
        case .note: "36"
        }
        return "\u{1B}[\(colour)m\(label)\u{1B}[0m"
    }
}
