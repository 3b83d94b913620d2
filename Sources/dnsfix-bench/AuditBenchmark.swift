import ArgumentParser
import DNSModel
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `dnsfix audit` over generated zone files of a million records (forward and reverse, with injected
/// duplicate registrations), beside what operators run today: `ldns-read-zone` piped through
/// `sort | uniq -d`. Both run as child processes under `/usr/bin/time`, so that the times and peak
/// memory are the tools' own; the findings of both are checked against what was injected.
struct AuditBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "dnsfix audit on generated zone files beside ldns-read-zone | sort | uniq -d.",
        discussion: """
            Two pipelines over the same files: every record (`ldns-read-zone FILE | cut -f4,5 | sort | \
            uniq -d`: duplicated type and data) and addresses only (`ldns-read-zone -E A -E AAAA FILE | \
            cut -f5 | sort | uniq -d`, its fastest form), both with LC_ALL=C sort.
            Targets (per 1,000,000 records): audited in at most 1 s, at least 10 times faster than the \
            every-record pipeline, peak memory under 512 MB. Exit code 1 when a tool misses or invents a \
            duplicate (and, with --require-targets, when a target is missed).
            Times are wall times around each child; CPU and peak memory come from /usr/bin/time \
            (Debian package `time`), which reports its child's own usage, unlike getrusage(RUSAGE_CHILDREN), \
            whose maximum is over every child so far.
            """
    )

    @Option(help: "Records in total, forward and reverse zones together.")
    var records = 1_000_000

    @Option(help: "Duplicate registrations to inject: a host's address also under a second host's name, the PTR naming the first.")
    var duplicates = 1000

    @Option(help: "Seed of the choice of injected duplicates.")
    var seed: UInt64 = 1

    @Option(help: "Runs of each method; the median is reported.")
    var runs = 1

    @Option(help: ArgumentHelp("Write the zone files to this directory and keep them.", valueName: "dir"))
    var keep: String?

    @Flag(help: "Exit 1 when a target is missed, not only when a finding is wrong.")
    var requireTargets = false

    func validate() throws {
        guard records >= 1000 else { throw ValidationError("--records must be at least 1000") }
        guard duplicates >= 0, duplicates <= records / 10 else { throw ValidationError("--duplicates must be between 0 and --records / 10") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() async throws {
        guard let time = try? findExecutable("/usr/bin/time") else {
            throw ValidationError("/usr/bin/time is missing: apt-get install time")
        }
        guard let reader = try? findExecutable("ldns-read-zone") else {
            throw ValidationError("ldns-read-zone is missing: apt-get install ldnsutils")
        }
        let dnsfix = ProjectPaths.product("dnsfix")
        guard FileManager.default.isExecutableFile(atPath: dnsfix) else {
            throw ValidationError("\(dnsfix) is not built: swift build -c release --product dnsfix, and set DNSFIX_BIN_PATH")
        }

        let directory: String
        if let keep {
            directory = keep
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("dnsfix-bench-audit-\(UUID().uuidString)").path
        }
        // What /usr/bin/time writes, apart from the zone files so that --keep keeps only those.
        let usageDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("dnsfix-bench-usage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: usageDirectory, withIntermediateDirectories: true)
        defer {
            if keep == nil { try? FileManager.default.removeItem(atPath: directory) }
            try? FileManager.default.removeItem(atPath: usageDirectory)
        }

        // Generate.
        let clock = ContinuousClock()
        var started = clock.now
        let zones = try BenchZones.generate(records: records, duplicates: duplicates, seed: seed, into: directory)
        let generation = clock.now - started
        let megabytes = Double(zones.bytes) / 1_048_576
        print("""
            \(zones.records) records (\(zones.hosts) hosts, \(zones.v4Hosts) of them IPv4, \(zones.injected.count) injected \
            duplicate registrations) in \(zones.files.count) zone files, \(Table.format(megabytes, 1)) MB, \
            generated in \(Table.format(Self.seconds(generation), 2)) s\(keep.map { " into \($0)" } ?? "")
            dnsfix: \(dnsfix)

            """)

        // dnsfix audit, the real CLI.
        var failures: [String] = []
        var dnsfixRuns: [Usage] = []
        let auditArguments = ["audit", "--json"] + zones.files.flatMap { ["--file", "\($0.origin)=\($0.path)"] }
        for run in 0..<runs {
            let usageFile = usageDirectory + "/dnsfix-\(run)"
            started = clock.now
            let result = try await runProcess(time, ["-f", Usage.format, "-o", usageFile, dnsfix] + auditArguments, timeout: 600)
            var usage = try Usage(file: usageFile)
            usage.wall = Self.seconds(clock.now - started)
            dnsfixRuns.append(usage)
            if run == 0 { failures += Self.checkDnsfix(result, zones: zones) }
        }

        // The pipelines: every file through ldns-read-zone, one column or two cut out, sort | uniq -d. Each
        // stage runs under its own /usr/bin/time: the stages run at once, so their peaks add up.
        var pipelines: [(pipeline: Pipeline, usage: Usage)] = []
        for pipeline in Pipeline.allCases {
            var usages: [Usage] = []
            for run in 0..<runs {
                let stage = { (name: String) in "\(usageDirectory)/\(pipeline.rawValue)-\(run)-\(name)" }
                let timed = { (name: String) in "\(Self.quoted(time)) -f %M -o \(Self.quoted(stage(name)))" }
                let files = zones.files.map { Self.quoted($0.path) }.joined(separator: " ")
                let script = """
                    \(timed("read")) sh -c 'for f in "$@"; do "$0" \(pipeline.readerOptions) "$f" || exit 1; done' \(Self.quoted(reader)) \(files) \
                    | \(timed("cut")) cut \(pipeline.fields) \
                    | LC_ALL=C \(timed("sort")) sort \
                    | \(timed("uniq")) uniq -d
                    """
                let usageFile = usageDirectory + "/\(pipeline.rawValue)-\(run)"
                started = clock.now
                let result = try await runProcess(time, ["-f", Usage.format, "-o", usageFile, "bash", "-c", "set -o pipefail; " + script],
                                                  timeout: 1800)
                var usage = try Usage(file: usageFile)
                usage.wall = Self.seconds(clock.now - started)
                usage.peakKB = try ["read", "cut", "sort", "uniq"].reduce(0) { sum, name in
                    sum + (Int(try String(contentsOfFile: stage(name), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
                }
                usages.append(usage)
                if run == 0 { failures += Self.checkPipeline(pipeline, result, zones: zones) }
            }
            pipelines.append((pipeline, Usage.median(usages)))
        }

        let targets = Self.report(dnsfix: Usage.median(dnsfixRuns), pipelines: pipelines, zones: zones, megabytes: megabytes,
                                  runs: runs)

        if failures.isEmpty {
            print("\nfindings: dnsfix and both pipelines found exactly the \(zones.injected.count) injected duplicates, nothing else")
        } else {
            print("\nWRONG FINDINGS:")
            for failure in failures { print("  " + failure) }
            throw ExitCode.failure
        }
        if requireTargets && targets.contains(where: { !$0.1 }) { throw ExitCode.failure }
    }

    /// What operators run today to find duplicates in zone files.
    enum Pipeline: String, CaseIterable, CustomStringConvertible {
        /// Every record printed, and duplicated type-and-data pairs found.
        case records
        /// The fastest form: only A and AAAA records printed, and duplicated addresses found.
        case addresses

        var readerOptions: String { self == .records ? "" : "-E A -E AAAA" }
        var fields: String { self == .records ? "-f4,5" : "-f5" }

        var description: String {
            "ldns-read-zone \(readerOptions.isEmpty ? "" : readerOptions + " ")| cut \(fields) | sort | uniq -d"
        }
    }

    // MARK: Helpers

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
