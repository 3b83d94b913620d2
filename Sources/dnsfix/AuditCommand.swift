import ArgumentParser
import Audit
import DNSModel
import DNSUpdate
import FailoverCore
import Foundation
import ZoneFile

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Find duplicate and conflicting records in zones, and repair the stale ones safely.",
        discussion: """
            Reads zones by AXFR from the primary (--axfr, TSIG-signed) or from master files (--file), \
            forward and reverse together. With --config, the pair's shared name, VIP and nodes make the \
            findings pair-aware, and without --axfr or --file the zones are the shared name's and the \
            reverse zones of the VIP and the nodes.
            --fix prints the repair as RFC 2136 updates in nsupdate syntax; --fix --apply sends it, each \
            RRset in its own update guarded by a prerequisite on the records as the audit saw them, so a \
            record changed since is left alone; then it audits again.

            Exit codes: 0 clean (notes allowed), 1 warnings or errors found, 2 the audit could not run.
            """
    )

    @OptionGroup var dns: DNSOptions
    @OptionGroup var configOptions: ConfigOptions

    @Option(help: ArgumentHelp("A zone to read by AXFR from the primary (repeat for several).", valueName: "zone"))
    var axfr: [String] = []

    @Option(help: ArgumentHelp("A master zone file, as [ORIGIN=]PATH; the origin defaults to the file name "
                               + "without .zone (repeat for several).", valueName: "file"))
    var file: [String] = []

    @Option(help: "A name that may share its address on purpose (virtual hosts); repeat for several.")
    var allow: [String] = []

    @Flag(help: "Print the repair as nsupdate commands; change nothing.")
    var fix = false

    @Flag(help: "With --fix: send the repair, then audit again.")
    var apply = false

    @Flag(help: "Print the outcome as JSON.")
    var json = false

    /// Findings exit 1 (silently: the report said it all); anything that stops the audit exits 2.
    func run() throws {
        ProcessHeap.growInLargeSteps()
        do {
            try perform()
        } catch let failure as CommandFailure where failure.code == .failed && failure.message.isEmpty {
            throw failure
        } catch let failure as CommandFailure {
            throw CommandFailure(usage: failure.message, json: json)
        } catch {
            throw CommandFailure(error, code: .usage, json: json)
        }
    }

    private func perform() throws {
        if apply && !fix { throw CommandFailure(usage: "--apply goes with --fix") }
        if apply && !file.isEmpty {
            throw CommandFailure(usage: "--fix --apply changes the primary: audit it by --axfr, not from files")
        }
        let config = try configOptions.load()
        let pair = try config.flatMap(Self.pairFacts)
        var allowed = Set(try allow.map { try DNSName($0) })
        allowed.formUnion(config?.auditAllow ?? [])
        let auditor = Auditor(pair: pair, allowed: allowed)

        let sources = try ZoneSources(dns: dns, config: config, axfr: axfr, files: file, pair: pair)
        let zones = try sources.read()
        let report = auditor.audit(zones)
        var output = AuditOutput(zones: zones, report: report)

        if fix {
            let repairs = RepairPlanner.repairs(for: report, zones: zones)
            output.repairs = repairs.map { AuditOutput.RepairOutcome(plan: $0.plan, codes: $0.codes, status: apply ? "pending" : "planned") }
            if apply {
                let client = try sources.client()
                for index in output.repairs.indices {
                    output.repairs[index].status = Self.send(output.repairs[index].plan, through: client)
                }
                output.after = auditor.audit(try sources.read())
            }
        }
        if json { Output.json(output.json) } else { output.print(server: sources.serverDescription) }
        KeptUntilExit.keep(zones)
        let final = output.after ?? report
        if !final.isClean { throw CommandFailure.silent(.failed) }
    }

    /// Applies one guarded repair; a failed prerequisite means someone changed the records since.
    static func send(_ plan: UpdatePlan, through client: DNSClient) -> String {
        do {
            try client.send(plan)
            return "applied"
        } catch DNSError.prerequisiteFailed {
            return "left alone: the records changed since the audit"
        } catch {
            return "failed: \(error)"
        }
    }

    static func pairFacts(_ config: DNSFixConfig) throws -> PairFacts? {
        guard let dns = config.dns else { return nil }
        return PairFacts(sharedName: dns.name, vips: config.vip?.addresses ?? [],
                         nodes: config.pair.nodes.map { .init(name: $0.name, address: $0.address) })
    }
}

extension CommandFailure {
    /// Exits with this code and prints nothing more: the report already said it all.
    static func silent(_ code: DNSFixExit) -> CommandFailure {
        var quiet = CommandFailure(usage: "")
        quiet.code = code
        return quiet
    }
}
