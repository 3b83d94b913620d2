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

        let dnsfixUsage = Usage.median(dnsfixRuns)
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

    // MARK: Checks

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

    // MARK: Helpers

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// What `/usr/bin/time` says about one child (CPU and peak memory), and the wall time measured around it.
struct Usage {
    /// Elapsed, user and system seconds, and the maximum resident set in KB.
    static let format = "%e %U %S %M"

    var wall: Double = 0
    var cpu: Double
    var peakKB: Int

    init(file: String) throws {
        // GNU time writes "Command exited with non-zero status N" first when the child fails.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let fields = text.split(whereSeparator: \.isNewline).last?.split(separator: " ") ?? []
        guard fields.count == 4, let user = Double(fields[1]), let system = Double(fields[2]), let peak = Int(fields[3]) else {
            throw ValidationError("cannot read /usr/bin/time's output in \(file): \(text)")
        }
        cpu = user + system
        peakKB = peak
    }

    static func median(_ runs: [Usage]) -> Usage {
        var chosen = runs.sorted { $0.wall < $1.wall }[runs.count / 2]
        chosen.peakKB = runs.map(\.peakKB).max()!
        return chosen
    }
}

// MARK: - The generated zones

/// A forward zone `bench.test.` of hosts (A in the three IPv4 documentation /24s, AAAA in 2001:db8::/32,
/// one /64 per host), some CNAMEs and TXT records, and the reverse zones with a PTR for every address.
/// Injected duplicate registrations: host M's address also under host N's name, its PTR still naming M
/// (a failover script that registered the address under the node's own name and never removed it).
struct BenchZones {
    struct File {
        var origin: String
        var path: String
    }

    var files: [File] = []
    var records = 0
    var bytes = 0
    var hosts = 0
    var v4Hosts = 0
    /// Each injected address, with the name that owns it and the second name it was registered under.
    var injected: [IPAddress: (first: String, second: String)] = [:]

    static let forwardOrigin = "bench.test."
    /// Host addresses in the IPv4 documentation ranges: 192.0.2.1 is the name server's.
    static let v4Blocks: [(prefix: String, reverse: String, first: Int)] = [
        ("192.0.2.", "2.0.192.in-addr.arpa.", 2), ("198.51.100.", "100.51.198.in-addr.arpa.", 1),
        ("203.0.113.", "113.0.203.in-addr.arpa.", 1),
    ]
    static let v6Reverse = "8.b.d.0.1.0.0.2.ip6.arpa."
    /// SOA and NS of each of the five zones, the name server's A and its PTR.
    static let fixedRecords = 5 * 2 + 2
    static let cnameEvery = 50

    static func generate(records total: Int, duplicates: Int, seed: UInt64, into directory: String) throws -> BenchZones {
        var zones = BenchZones()
        // Per host: its address and PTR, a CNAME for one host in 50, and about one TXT in 100; then the duplicates.
        let hosts = Int(Double(total - fixedRecords - duplicates) / (2 + 1 / Double(cnameEvery) + 0.01))
        let cnames = (hosts + cnameEvery - 1) / cnameEvery
        let txts = total - fixedRecords - duplicates - 2 * hosts - cnames
        precondition(txts >= 0 && txts < hosts)
        let v4Capacity = v4Blocks.reduce(0) { $0 + 255 - $1.first }
        zones.hosts = hosts
        zones.v4Hosts = min(hosts / 4, v4Capacity)

        // Which host's address goes under which other host's name, as a list per receiving host.
        var random = SplitMix64(seed: seed)
        var given = Set<Int>()
        var receives: [Int: [Int]] = [:]
        while given.count < duplicates {
            let owner = Int.random(in: 0..<hosts, using: &random)
            let second = Int.random(in: 0..<hosts, using: &random)
            guard owner != second, given.insert(owner).inserted else { continue }
            receives[second, default: []].append(owner)
        }

        let serial = "@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n@ IN NS ns.bench.test.\n"
        func open(_ origin: String, _ file: String) throws -> ZoneWriter {
            let path = directory + "/" + file
            zones.files.append(File(origin: origin, path: path))
            let writer = try ZoneWriter(path: path)
            writer.text("$ORIGIN \(origin)\n$TTL 3600\n\(serial)")
            writer.count(2)
            return writer
        }

        let forward = try open(forwardOrigin, "bench.test.zone")
        let v4Reverse = try v4Blocks.map { try open($0.reverse, $0.reverse + "zone") }
        let v6Reverse = try open(Self.v6Reverse, Self.v6Reverse + "zone")
        forward.text("ns A 192.0.2.1\n")
        v4Reverse[0].text("1 PTR ns.bench.test.\n")
        forward.count(1)
        v4Reverse[0].count(1)

        /// Host i's address: the IPv4 hosts first, then one /64 per host: 2001:db8:H:L::1.
        func writeAddress(_ host: Int, to writer: ZoneWriter) {
            if host < zones.v4Hosts {
                let (block, octet) = v4Position(host)
                writer.text("A ")
                writer.text(v4Blocks[block].prefix)
                writer.decimal(octet)
            } else {
                let value = host - zones.v4Hosts + 1
                writer.text("AAAA 2001:db8:")
                writer.hex(value >> 16)
                writer.byte(UInt8(ascii: ":"))
                writer.hex(value & 0xffff)
                writer.text("::1")
            }
            writer.byte(10)
            writer.count(1)
        }
        func v4Position(_ host: Int) -> (block: Int, octet: Int) {
            var index = host
            for (block, range) in v4Blocks.enumerated() {
                let size = 255 - range.first
                if index < size { return (block, range.first + index) }
                index -= size
            }
            fatalError("no IPv4 address left for host \(host)")
        }
        func address(_ host: Int) -> IPAddress {
            if host < zones.v4Hosts {
                let (block, octet) = v4Position(host)
                return try! IPAddress(v4Blocks[block].prefix + String(octet))
            }
            let value = host - zones.v4Hosts + 1
            return try! IPAddress("2001:db8:\(String(value >> 16, radix: 16)):\(String(value & 0xffff, radix: 16))::1")
        }

        var txtLeft = txts
        for host in 0..<hosts {
            forward.byte(UInt8(ascii: "h"))
            forward.decimal(host)
            forward.byte(UInt8(ascii: " "))
            writeAddress(host, to: forward)
            for owner in receives[host] ?? [] {
                forward.byte(UInt8(ascii: "h"))
                forward.decimal(host)
                forward.byte(UInt8(ascii: " "))
                writeAddress(owner, to: forward)
                zones.injected[address(owner)] = ("h\(owner).\(forwardOrigin)", "h\(host).\(forwardOrigin)")
            }
            if txtLeft > 0 && (host % 100 == 7 || hosts - host <= txtLeft) {
                forward.byte(UInt8(ascii: "h"))
                forward.decimal(host)
                forward.text(" TXT \"rack ")
                forward.decimal(host)
                forward.text("\"\n")
                forward.count(1)
                txtLeft -= 1
            }
            if host % cnameEvery == 0 {
                forward.text("www")
                forward.decimal(host)
                forward.text(" CNAME h")
                forward.decimal(host)
                forward.byte(10)
                forward.count(1)
            }

            // The PTR.
            if host < zones.v4Hosts {
                let (block, octet) = v4Position(host)
                let writer = v4Reverse[block]
                writer.decimal(octet)
            } else {
                // 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0, then L's nibbles and H's, lowest first.
                let value = host - zones.v4Hosts + 1
                let writer = v6Reverse
                writer.text("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0")
                for shift in stride(from: 0, to: 32, by: 4) {
                    writer.byte(UInt8(ascii: "."))
                    writer.hexDigit((value >> shift) & 0xf)
                }
            }
            let writer = host < zones.v4Hosts ? v4Reverse[v4Position(host).block] : v6Reverse
            writer.text(" PTR h")
            writer.decimal(host)
            writer.text(".bench.test.\n")
            writer.count(1)
        }
        precondition(txtLeft == 0)

        for writer in [forward, v6Reverse] + v4Reverse {
            try writer.close()
            zones.records += writer.records
            zones.bytes += writer.bytes
        }
        precondition(zones.records == total, "generated \(zones.records) records, not \(total)")
        return zones
    }
}

/// A zone file written through a 1 MB buffer, with numbers formatted in place.
final class ZoneWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private var buffer: [UInt8] = []
    private(set) var records = 0
    private(set) var bytes = 0
    private var failed = false
    private static let digits = Array("0123456789abcdef".utf8)

    init(path: String) throws {
        guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 20 + 256)
    }

    func count(_ records: Int) { self.records += records }

    func byte(_ byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= 1 << 20 { flush() }
    }

    func text(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    func decimal(_ value: Int) {
        if value >= 10 { decimal(value / 10) }
        buffer.append(Self.digits[value % 10])
    }

    /// Lower-case hex without leading zeros, as in an IPv6 address group.
    func hex(_ value: Int) {
        if value >= 16 { hex(value >> 4) }
        buffer.append(Self.digits[value & 0xf])
    }

    func hexDigit(_ value: Int) { buffer.append(Self.digits[value]) }

    private func flush() {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != buffer.count { failed = true }
        bytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        if fclose(file) != 0 || failed { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}

/// A small seeded generator (SplitMix64), so that a seed gives the same zones everywhere.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
