import DNSModel

/// The table of times, CPU, peak memory and ratios, and the targets.
extension AuditBenchmark {
    /// Prints the table and the targets; returns each target with whether it was met.
    static func report(dnsfix dnsfixUsage: Usage, pipelines: [(pipeline: Pipeline, usage: Usage)], zones: BenchZones,
                       megabytes: Double, runs: Int) -> [(String, Bool)] {
        // The target is against the every-record pipeline; the addresses-only one is its fastest form.
        let baseline = pipelines[0].usage
        let ratio = baseline.wall / dnsfixUsage.wall
        let fastestRatio = pipelines.map(\.usage.wall).min()! / dnsfixUsage.wall
        let count = Double(zones.records)

        let runsNote = runs > 1 ? ", median of \(runs) runs" : ""
        print("audit of \(zones.records) records\(runsNote)\n")
        let header = Table.pad("method", 62) + Table.pad("s", 8) + Table.pad("cpu s", 8) + Table.pad("peak MB", 9)
            + Table.pad("records/s", 12) + "× pipeline"
        print(header)
        print(String(repeating: "-", count: header.count))
        for (method, usage) in [("dnsfix audit --file ... --json", dnsfixUsage)] + pipelines.map({ ($0.pipeline.description, $0.usage) }) {
            print(Table.pad(method, 62) + Table.pad(Table.format(usage.wall, 2), 8) + Table.pad(Table.format(usage.cpu, 2), 8)
                  + Table.pad(Table.format(Double(usage.peakKB) / 1024, 0), 9)
                  + Table.pad(Table.format(count / usage.wall, 0), 12) + Table.format(baseline.wall / usage.wall, 1) + "×")
        }
        print("""
            (wall time of the child process; cpu = user + system; peak MB = the largest resident set, for a pipeline
            the sum of its stages' peaks; × pipeline = the pipeline's time over this one's)
            """)

        // The targets scale with the size: 1 s per 1,000,000 records.
        let timeTarget = count / 1_000_000
        let targets: [(String, Bool)] = [
            ("audited in at most \(Table.format(timeTarget, 2)) s (1 s per 1,000,000 records): \(Table.format(dnsfixUsage.wall, 2)) s",
             dnsfixUsage.wall <= timeTarget),
            ("at least 10× faster than the every-record pipeline: \(Table.format(ratio, 1))× "
                + "(\(Table.format(fastestRatio, 1))× against the addresses-only pipeline)", ratio >= 10),
            ("peak memory under 512 MB: \(Table.format(Double(dnsfixUsage.peakKB) / 1024, 0)) MB "
                + "(\(Table.format(Double(dnsfixUsage.peakKB) / 1024 / megabytes, 1))× the \(Table.format(megabytes, 1)) MB of zone files)",
             dnsfixUsage.peakKB < 512 * 1024),
        ]
        print("\ntargets:")
        for (text, met) in targets { print("  \(met ? "met    " : "MISSED ") \(text)") }
        return targets
    }
}
