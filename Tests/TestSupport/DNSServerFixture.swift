import Foundation
import Subprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real DNS servers the tests run against, both from the same Zones/ data.
public enum DNSServerKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// BIND 9 (`named`), from Zones/named.conf.in.
    case bind
    /// Knot DNS (`knotd`), from Zones/knot.conf.in.
    case knot

    public var description: String { rawValue }
}

public enum DNSServerFixtureError: Error, CustomStringConvertible {
    case startFailed(DNSServerKind, attempts: Int, reason: String, logTail: String)
    case badTemplate(String)
    case badKeyFile(String)
    case noFreePort
    case commandFailed(String, ProcessResult)
    case transferFailed(String, ProcessResult)
    case noZoneFor([String])

    public var description: String {
        switch self {
        case .startFailed(let kind, let attempts, let reason, let logTail):
            return "could not start the \(kind) test server (\(attempts) attempt(s)): \(reason)\n--- server log (tail) ---\n\(logTail)"
        case .badTemplate(let message): return "bad server config template: \(message)"
        case .badKeyFile(let path): return "cannot read a TSIG key from \(path)"
        case .noFreePort: return "found no free loopback port (UDP and TCP) for a test server"
        case .commandFailed(let command, let result): return "\(command) failed: \(result)"
        case .transferFailed(let zone, let result): return "AXFR of \(zone) failed: \(result)"
        case .noZoneFor(let lines):
            return "no `zone` line and no fixture zone contains the first name of: \(lines.joined(separator: "; "))"
        }
    }
}

/// A server started by `withDNSServer`, valid inside its body only.
public struct RunningDNSServer: Sendable {
    public let kind: DNSServerKind
    /// "127.0.0.1", or the address given in its placement.
    public let address: String
    /// The network namespace the server runs in (nil: this process's).
    public let namespace: String?
    public let port: UInt16
    /// The server's private temp directory: config, zone files, keys/, journals, `server.log`.
    public let workDirectory: String
    /// The server process's PID (already stopped once `withDNSServer` returns).
    public let pid: Int32
    /// Seconds from launching the process to answering the SOA of all its zones (last attempt).
    public let startupSeconds: Double
    /// The extra zones given to `withDNSServer(_:zones:_:)`, served beside `zones`.
    public let craftedZones: [CraftedZone]

    /// The zones every fixture server serves, primary for all of them.
    public static let zones = [
        "example.test.",
        "2.0.192.in-addr.arpa.",
        "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
    ]
    /// Key files (in Zones/keys) the servers accept for update and transfer.
    public static let allowedKeyFiles = ["test.key", "test-sha512.key", "test-sha1.key"]
    /// Key files the servers must reject: same name as test.key but another secret; a name they do not know.
    public static let rejectedKeyFiles = ["wrong-secret.key", "unknown.key"]

    public var endpoint: String { "\(address):\(port)" }

    /// The server's stdout and stderr.
    public var logFile: String { workDirectory + "/server.log" }

    /// Absolute path of `Zones/keys/<name>` in the checkout (not the server's copy).
    public func keyFile(_ name: String = "test.key") -> String {
        ProjectPaths.keys + "/" + name
    }

    /// The last `lines` lines of the server log, for failure messages.
    public func logTail(lines: Int = 40) -> String {
        DNSServerFixture.tail(of: logFile, lines: lines)
    }

    /// Runs `dig @address -p port <arguments>` (UDP unless the arguments say otherwise).
    public func digCommand(_ arguments: [String], timeout: Double = 15) async throws -> ProcessResult {
        try await runTool("dig", ["@\(address)", "-p", "\(port)"] + arguments, timeout: timeout)
    }

    /// Runs `dig @address -p port +short +norecurse NAME TYPE` and returns the non-empty answer lines,
    /// sorted. Retries once over TCP if the UDP query fails; throws if that fails too.
    /// NXDOMAIN and NODATA give an empty array.
    public func dig(_ name: String, _ type: String) async throws -> [String] {
        let arguments = ["+short", "+norecurse", "+time=2", "+tries=1", name, type]
        var result = try await digCommand(arguments)
        if !result.succeeded {
            result = try await digCommand(["+tcp"] + arguments)
        }
        guard result.succeeded else { throw DNSServerFixtureError.commandFailed("dig \(name) \(type)", result) }
        return result.stdoutLines
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix(";") }
            .sorted()
    }

    /// The SOA serial of `zone`.
    public func serial(_ zone: String = "example.test.") async throws -> UInt32 {
        let soa = try await dig(zone, "SOA")
        guard soa.count == 1 else {
            throw DNSServerFixtureError.commandFailed("dig \(zone) SOA", ProcessResult(status: 0, stdout: soa.joined(separator: "\n"), stderr: ""))
        }
        let fields = soa[0].split(separator: " ")
        guard fields.count >= 3, let serial = UInt32(fields[2]) else {
            throw DNSServerFixtureError.commandFailed("dig \(zone) SOA", ProcessResult(status: 0, stdout: soa[0], stderr: ""))
        }
        return serial
    }

    /// AXFR of `zone` signed with `keyFile` (default `keyFile()`, i.e. test.key) via
    /// `dig -k KEYFILE +noall +answer ZONE AXFR`. Returns the record lines as dig prints them
    /// (tabs collapsed to single spaces), in transfer order, SOA first and last. Throws
    /// `transferFailed` if dig reports a failure or nothing came.
    public func axfr(_ zone: String = "example.test.", keyFile: String? = nil) async throws -> [String] {
        let result = try await digCommand(["-k", keyFile ?? self.keyFile(), "+noall", "+answer", "+nocmd", zone, "AXFR"])
        let lines = result.stdoutLines
        let failed = !result.succeeded || lines.isEmpty || lines.contains { $0.contains("Transfer failed") }
            || !lines.contains { $0.split(whereSeparator: \.isWhitespace).count > 3 && $0.split(whereSeparator: \.isWhitespace)[3] == "SOA" }
        if failed { throw DNSServerFixtureError.transferFailed(zone, result) }
        return lines
            .filter { !$0.hasPrefix(";") }
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    }

    /// Sends updates with `nsupdate -t 5 -k KEYFILE` (default `keyFile()`, i.e. test.key), script on stdin.
    ///
    /// You give the body: `update add|delete ...`, `prereq ...`, optionally `zone Z`, `ttl`, `class`;
    /// several messages may be given, separated by `send` lines. This adds `server ADDRESS PORT` in
    /// front; if no line is a `zone` line, it puts before each message `zone Z` for the longest fixture
    /// zone that contains the message's first `update`/`prereq` name (so that nsupdate never asks the
    /// system resolver for the zone); and it appends `send` unless the last line is `send`.
    /// nsupdate stops at the first failing message. Returns the result as is: check `status`
    /// (0 on success) and `stderr` (for example "update failed: NOTAUTH(BADSIG)").
    public func nsupdate(_ lines: [String], keyFile: String? = nil) async throws -> ProcessResult {
        try await runNsupdate(lines, arguments: ["-k", keyFile ?? self.keyFile()])
    }

    /// Like `nsupdate(_:keyFile:)` but without TSIG: the servers must refuse it.
    public func nsupdateUnsigned(_ lines: [String]) async throws -> ProcessResult {
        try await runNsupdate(lines, arguments: [])
    }

    private func runNsupdate(_ lines: [String], arguments: [String]) async throws -> ProcessResult {
        var script = ["server \(address) \(port)"]
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        func isSend(_ line: String) -> Bool { line.lowercased() == "send" }
        if trimmed.contains(where: { $0.lowercased().hasPrefix("zone ") }) {
            script += trimmed
        } else {
            // One `zone` line per message (nsupdate keeps the zone across `send`).
            var message: [String] = []
            for line in trimmed {
                message.append(line)
                if isSend(line) {
                    script += ["zone \(try Self.zone(for: message, among: allZones))"] + message
                    message = []
                }
            }
            if message.contains(where: { !$0.isEmpty }) {
                script += ["zone \(try Self.zone(for: message, among: allZones))"] + message
            }
        }
        if !isSend(trimmed.last(where: { !$0.isEmpty }) ?? "") { script.append("send") }
        return try await runTool("nsupdate", ["-t", "5"] + arguments, input: script.joined(separator: "\n") + "\n", timeout: 30)
    }

    /// Runs a client tool where the server can be reached: in its namespace, if it has one.
    private func runTool(_ tool: String, _ arguments: [String], input: String? = nil, timeout: Double) async throws -> ProcessResult {
        guard let namespace else { return try await runProcess(tool, arguments, input: input, timeout: timeout) }
        return try await runProcess("ip", ["netns", "exec", namespace, try findExecutable(tool)] + arguments,
                                    input: input, timeout: timeout)
    }

    /// The fixed zones and the crafted ones.
    public var allZones: [String] { Self.zones + craftedZones.map(\.origin) }

    static func zone(for lines: [String], among zones: [String] = zones) throws -> String {
        for line in lines {
            let words = line.split(whereSeparator: \.isWhitespace).map { String($0).lowercased() }
            guard let first = words.first, ["update", "prereq"].contains(first) else { continue }
            var index = 1
            if index < words.count, ["add", "delete", "del", "nxdomain", "yxdomain", "nxrrset", "yxrrset"].contains(words[index]) {
                index += 1
            }
            guard index < words.count else { continue }
            var name = words[index]
            if !name.hasSuffix(".") { name += "." }
            let matches = zones.filter { name == $0 || name.hasSuffix("." + $0) }
            if let best = matches.max(by: { $0.count < $1.count }) { return best }
            break
        }
        throw DNSServerFixtureError.noZoneFor(lines)
    }
}

/// Where a fixture server listens: on a free port of 127.0.0.1 in this namespace (the default), or on
/// port 53 of an address inside a network namespace that a test made (a lab host), so that agents in
/// other namespaces of that lab reach it.
public struct DNSServerPlacement: Sendable {
    public let namespace: String?
    public let address: String

    public static let loopback = DNSServerPlacement(namespace: nil, address: "127.0.0.1")

    public static func inNamespace(_ namespace: String, address: String) -> DNSServerPlacement {
        DNSServerPlacement(namespace: namespace, address: address)
    }
}

/// Starts a fresh server of `kind` from Zones/ in a new temp directory on a free loopback port, waits
/// (at most 10 s) until it answers the SOA of all three zones and its own identity over UDP and TCP,
/// runs `body`, and always stops the server by its PID (SIGTERM, SIGKILL after 5 s) and removes the
/// temp directory, also when `body` throws or the task is cancelled.
///
/// Every call is independent (own directory, own port), so parallel tests may each start their own.
/// Set `DNSFIX_KEEP_SERVER_DIRS=1` to keep the directories (config, zones, journal, server.log).
public func withDNSServer<T>(
    _ kind: DNSServerKind,
    placement: DNSServerPlacement = .loopback,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RunningDNSServer) async throws -> T
) async throws -> T {
    try await withDNSServer(kind, zones: [], placement: placement, body)
}

/// A zone given as master-file text, served by a fixture server beside the fixed zones of Zones/:
/// written to `<origin without the final dot>.zone` in the server's work directory and added to its
/// config (a `zone` statement for named, with the checks that would refuse odd data turned off; a
/// `zone:` entry for knotd, whose template already has `semantic-checks: off`).
///
/// A server may still refuse a zone (both refuse a CNAME beside other data, for example): give
/// `mustLoad: false` for such a zone, and the readiness check does not wait for it.
public struct CraftedZone: Sendable, CustomStringConvertible {
    /// Absolute, with the final dot: "crafted.test.".
    public let origin: String
    /// The zone file's text; relative names are relative to `origin`.
    public let text: String
    /// Whether `withDNSServer` waits until the server answers this zone's SOA.
    public let mustLoad: Bool

    public init(origin: String, text: String, mustLoad: Bool = true) {
        self.origin = origin.hasSuffix(".") ? origin : origin + "."
        self.text = text
        self.mustLoad = mustLoad
    }

    /// The zone file's name in the server's work directory.
    public var fileName: String { String(origin.dropLast()) + ".zone" }

    public var description: String { origin }
}

/// Like `withDNSServer(_:_:)`, and the server also serves `zones` (see `CraftedZone`); it is ready
/// once it answers the SOA of the fixed zones and of every crafted zone with `mustLoad`.
public func withDNSServer<T>(
    _ kind: DNSServerKind,
    zones crafted: [CraftedZone],
    placement: DNSServerPlacement = .loopback,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RunningDNSServer) async throws -> T
) async throws -> T {
    try DNSServerFixture.validate(crafted)
    let executable = try findExecutable(kind == .bind ? "named" : "knotd")
    let workDirectory = try DNSServerFixture.makeWorkDirectory(kind)
    // Runs after the server has been stopped and reaped: `runServer` returns only then.
    defer { DNSServerFixture.removeDirectory(workDirectory) }
    try DNSServerFixture.populate(workDirectory, for: kind, crafted: crafted)
    var lastReason = ""
    var lastLog = ""
    for attempt in 1...DNSServerFixture.maxAttempts {
        // A namespace of the test's own has nothing else listening: the standard port is free there.
        let port = placement.namespace == nil ? try PortRegistry.shared.reserve() : 53
        defer { if placement.namespace == nil { PortRegistry.shared.release(port) } }
        var value: T?
        let outcome = try await DNSServerFixture.runServer(
            kind, executable: executable, workDirectory: workDirectory, port: port, crafted: crafted, placement: placement
        ) { server in
            value = try await body(server)
        }
        let log = DNSServerFixture.tail(of: workDirectory + "/server.log", lines: 40)
        switch outcome {
        case .ran:
            return value!
        case .portTaken(let reason):
            lastReason = "port \(port): \(reason)"
            lastLog = log
            DNSServerFixture.resetWorkDirectory(workDirectory, crafted: crafted)
        case .failed(let reason):
            throw DNSServerFixtureError.startFailed(kind, attempts: attempt, reason: reason, logTail: log)
        }
    }
    throw DNSServerFixtureError.startFailed(kind, attempts: DNSServerFixture.maxAttempts, reason: lastReason, logTail: lastLog)
}

/// The machinery behind `withDNSServer`.
enum DNSServerFixture {
    /// Where the port registry checks that a port is free.
    static let address = DNSServerPlacement.loopback.address
    static let startTimeout = 10.0
    static let maxAttempts = 5
    /// How a server is stopped: SIGTERM, up to 5 s to exit, then SIGKILL (Subprocess always ends a
    /// teardown with SIGKILL), each sent to the server's PID through its pidfd.
    static let stopSequence: [TeardownStep] = [.gracefulShutDown(allowedDurationToNextStep: .seconds(5))]

    /// How one start attempt ended.
    enum AttemptOutcome: Sendable {
        /// The server became ready, `body` ran, and the server has been stopped.
        case ran
        /// Another process has the port (or answers on it): worth another attempt on another port.
        case portTaken(String)
        case failed(String)
    }

    /// Starts the server on `port` through swift-subprocess, with its stdout and stderr going to
    /// `server.log`; waits until it is ready; runs `body`; stops it (`stopSequence`). Subprocess's `run`
    /// returns only once the server has exited and been reaped, whatever happened: `body` threw, the
    /// task was cancelled (Subprocess then runs `stopSequence` itself), or start-up failed.
    static func runServer(
        _ kind: DNSServerKind, executable: String, workDirectory: String, port: UInt16, crafted: [CraftedZone],
        placement: DNSServerPlacement, isolation: isolated (any Actor)? = #isolation,
        _ body: (RunningDNSServer) async throws -> Void
    ) async throws -> AttemptOutcome {
        let configFile = try writeConfig(kind, workDirectory: workDirectory, address: placement.address, port: port, crafted: crafted)
        let logPath = workDirectory + "/server.log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { return .failed("cannot open \(logPath) (errno \(errno))") }
        let arguments: [String]
        switch kind {
        case .bind:
            // -g: foreground, log to stderr. No -u: as root named then simply stays root, which
            // avoids needing the bind user to own the temp directory.
            arguments = ["-g", "-c", configFile]
        case .knot:
            // knotd stays in the foreground unless -d; it logs to stderr as configured.
            arguments = ["-c", configFile]
        }
        // `ip netns exec` switches namespace and then execs the server: the PID stays the server's.
        var (program, prefix) = (executable, [String]())
        if let namespace = placement.namespace { (program, prefix) = (try findExecutable("ip"), ["netns", "exec", namespace, executable]) }
        var platformOptions = PlatformOptions()
        platformOptions.teardownSequence = stopSequence
        let started = Date()
        var spawned = false
        do {
            let result = try await run(
                .path(.init(program)),
                arguments: .init(prefix + arguments),
                workingDirectory: .init(workDirectory),
                platformOptions: platformOptions,
                input: .none,
                output: .fileDescriptor(.init(rawValue: log), closeAfterSpawningProcess: true),
                error: .combinedWithOutput
            ) { execution -> AttemptOutcome in
                spawned = true
                let pid = execution.processIdentifier.value
                let readiness: Readiness
                do {
                    readiness = try await waitUntilReady(
                        executable: executable, pid: pid, workDirectory: workDirectory, placement: placement, port: port,
                        logPath: logPath, zones: RunningDNSServer.zones + crafted.filter(\.mustLoad).map(\.origin))
                } catch {
                    await execution.teardown(using: stopSequence)
                    throw error
                }
                guard case .ready = readiness else {
                    await execution.teardown(using: stopSequence)
                    // Subprocess's own teardown (on cancellation) may be what ended the server.
                    try Task.checkCancellation()
                    switch readiness {
                    case .portTaken(let reason): return .portTaken(reason)
                    case .failed(let reason): return .failed(reason)
                    case .ready: fatalError("unreachable")
                    }
                }
                let server = RunningDNSServer(
                    kind: kind, address: placement.address, namespace: placement.namespace, port: port, workDirectory: workDirectory,
                    pid: pid, startupSeconds: Date().timeIntervalSince(started), craftedZones: crafted)
                do {
                    try await body(server)
                } catch {
                    await execution.teardown(using: stopSequence)
                    throw error
                }
                await execution.teardown(using: stopSequence)
                return .ran
            }
            return result.closureResult
        } catch let error as SubprocessError where !spawned {
            return .failed("cannot launch \(executable): \(error)")
        }
    }

    enum Readiness: Sendable {
        case ready
        case portTaken(String)
        case failed(String)
    }

    /// Polls until the server answers as itself on `port`, or exits, or reports the address in use,
    /// or `startTimeout` passes. The probes block (socket timeouts, sleeps): they run on a thread of
    /// their own, so that they neither tie up the (small) Swift concurrency pool nor get delayed past
    /// their deadlines by a busy pool. Throws `CancellationError` if the task is cancelled meanwhile.
    static func waitUntilReady(
        executable: String, pid: pid_t, workDirectory: String, placement: DNSServerPlacement, port: UInt16,
        logPath: String, zones: [String]
    ) async throws -> Readiness {
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await onDedicatedThread {
                // The probing thread is this call's own: it may switch into the server's namespace.
                if let namespace = placement.namespace { try enterNamespace(namespace) }
                return try pollUntilReady(
                    executable: executable, pid: pid, workDirectory: workDirectory, address: placement.address, port: port,
                    logPath: logPath, zones: zones, cancelled: cancelled)
            }
        } onCancel: {
            cancelled.set()
        }
    }

    static func pollUntilReady(
        executable: String, pid: pid_t, workDirectory: String, address: String, port: UInt16, logPath: String,
        zones: [String], cancelled: CancellationFlag
    ) throws -> Readiness {
        let deadline = Date().addingTimeInterval(startTimeout)
        while true {
            if cancelled.isSet { throw CancellationError() }
            let logText = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            let portInUse = logText.localizedCaseInsensitiveContains("address in use")
                || logText.localizedCaseInsensitiveContains("already in use")
            if let status = exitStatus(of: pid) {
                if portInUse {
                    return .portTaken("\(executable) could not bind (exit status \(status))")
                }
                return .failed("\(executable) exited with status \(status) during start-up")
            }
            if portInUse {
                // named keeps running without the socket it could not bind.
                return .portTaken("\(executable) reports the address in use")
            }
            if let identity = DNSProbe.serverIdentity(address: address, port: port, timeout: 0.2) {
                if identity != workDirectory {
                    // Someone else answers on this port (for example a server sharing it via SO_REUSEPORT).
                    return .portTaken("another server (identity \"\(identity)\") answers on it")
                }
                if DNSProbe.serverIdentity(address: address, port: port, tcp: true, timeout: 0.5) == workDirectory,
                   zones.allSatisfy({ DNSProbe.servesZone(address: address, port: port, zone: $0, timeout: 0.5) })
                {
                    return .ready
                }
            }
            if Date() >= deadline { break }
            usleep(5_000)
        }
        return .failed("no answer (SOA of \(zones.joined(separator: ", ")) and id.server over UDP and TCP) within \(startTimeout) s")
    }

    /// The exit status (or terminating signal) of our child `pid` if it has exited, else nil.
    /// WNOWAIT leaves it unreaped: Subprocess reaps it when `run` ends, so until then the PID is
    /// still this child's and cannot have been reused.
    static func exitStatus(of pid: pid_t) -> Int32? {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return nil }
        #if canImport(Glibc)
        let (childPID, status) = (info._sifields._sigchld.si_pid, info._sifields._sigchld.si_status)
        #else
        let (childPID, status) = (info.si_pid, info.si_status)
        #endif
        return childPID == 0 ? nil : status
    }

    static func onDedicatedThread<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = "TestSupport.DNSServerFixture"
            thread.start()
        }
    }

    final class CancellationFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.lock(); value = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    }

    // MARK: - Work directory

    static func makeWorkDirectory(_ kind: DNSServerKind) throws -> String {
        var base = NSTemporaryDirectory()
        // Knot's control socket lives in it: keep the path well below the 108-byte sun_path limit.
        if base.utf8.count > 60 { base = "/tmp/" }
        if !base.hasSuffix("/") { base += "/" }
        var template = Array((base + "dnsfix-\(kind.rawValue)-XXXXXX").utf8CString)
        let path: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let result = mkdtemp(buffer.baseAddress!) else { return nil }
            return String(cString: result)
        }
        guard let path else {
            throw DNSServerFixtureError.startFailed(kind, attempts: 0, reason: "mkdtemp in \(base) failed (errno \(errno))", logTail: "")
        }
        return path
    }

    /// Copies the zone files and keys/ from Zones/ into `directory`; for Knot also writes
    /// knot-keys.conf from the allowed key files (the BIND key files stay the single source of truth).
    static func populate(_ directory: String, for kind: DNSServerKind, crafted: [CraftedZone] = []) throws {
        let fileManager = FileManager.default
        let zonesDirectory = ProjectPaths.zones
        for zone in RunningDNSServer.zones {
            let file = String(zone.dropLast()) + ".zone"
            try fileManager.copyItem(atPath: zonesDirectory + "/" + file, toPath: directory + "/" + file)
        }
        for zone in crafted {
            try zone.text.write(toFile: directory + "/" + zone.fileName, atomically: true, encoding: .utf8)
        }
        try fileManager.copyItem(atPath: zonesDirectory + "/keys", toPath: directory + "/keys")
        if kind == .knot {
            var text = "# Generated from keys/*.key by TestSupport; do not edit.\nkey:\n"
            for file in RunningDNSServer.allowedKeyFiles {
                text += try TestKeyFile.load(directory + "/keys/" + file).knotConfigEntry
            }
            try text.write(toFile: directory + "/knot-keys.conf", atomically: true, encoding: .utf8)
        }
    }

    /// After a failed attempt: drop what the server wrote, keep the copied inputs.
    static func resetWorkDirectory(_ directory: String, crafted: [CraftedZone] = []) {
        let keep: Set<String> = Set(RunningDNSServer.zones.map { String($0.dropLast()) + ".zone" })
            .union(crafted.map(\.fileName))
            .union(["keys", "knot-keys.conf"])
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for entry in entries where !keep.contains(entry) {
            try? FileManager.default.removeItem(atPath: directory + "/" + entry)
        }
    }

    static func removeDirectory(_ directory: String) {
        if let keep = ProcessInfo.processInfo.environment["DNSFIX_KEEP_SERVER_DIRS"], !keep.isEmpty, keep != "0" {
            FileHandle.standardError.write(Data("TestSupport: keeping \(directory)\n".utf8))
            return
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes named.conf or knot.conf from its template; returns its path.
    static func writeConfig(
        _ kind: DNSServerKind, workDirectory: String, address: String, port: UInt16, crafted: [CraftedZone] = []
    ) throws -> String {
        let name = kind == .bind ? "named.conf" : "knot.conf"
        let template = try String(contentsOfFile: ProjectPaths.zones + "/" + name + ".in", encoding: .utf8)
        let text = (template + craftedConfig(kind, crafted))
            .replacingOccurrences(of: "@ADDRESS@", with: address)
            .replacingOccurrences(of: "@PORT@", with: String(port))
            .replacingOccurrences(of: "@WORKDIR@", with: workDirectory)
        if let range = text.range(of: #"@[A-Z_]+@"#, options: .regularExpression) {
            throw DNSServerFixtureError.badTemplate("\(name).in: unknown placeholder \(text[range])")
        }
        let path = workDirectory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The config lines that add the crafted zones, appended to the template (whose placeholders
    /// they use). Knot: the template's `zone:` list is its last section, so entries appended to it
    /// join that list and take the default template.
    static func craftedConfig(_ kind: DNSServerKind, _ crafted: [CraftedZone]) -> String {
        guard !crafted.isEmpty else { return "" }
        switch kind {
        case .bind:
            return "\n// Crafted zones, added by TestSupport.\n" + crafted.map { zone in
                """
                zone "\(zone.origin.dropLast())" {
                    type primary;
                    file "@WORKDIR@/\(zone.fileName)";
                    allow-update { "dnsfix-keys"; };
                    // Load odd data as it is: the tests audit it.
                    check-names ignore;
                    check-integrity no;
                    check-mx ignore;
                    check-wildcard no;
                    check-sibling no;
                    check-dup-records ignore;
                    check-srv-cname ignore;
                };

                """
            }.joined()
        case .knot:
            return "\n# Crafted zones, added by TestSupport.\n" + crafted.map { "  - domain: \($0.origin)\n" }.joined()
        }
    }

    /// Crafted zones must have distinct origins of their own, not those of Zones/.
    static func validate(_ crafted: [CraftedZone]) throws {
        var seen = Set(RunningDNSServer.zones.map { $0.lowercased() })
        for zone in crafted {
            guard zone.origin.count > 1, !zone.origin.contains("/"), !zone.origin.contains("\"") else {
                throw DNSServerFixtureError.badTemplate("crafted zone \"\(zone.origin)\": not a usable zone name")
            }
            guard seen.insert(zone.origin.lowercased()).inserted else {
                throw DNSServerFixtureError.badTemplate("crafted zone \(zone.origin) is given twice or is a zone of Zones/")
            }
        }
    }

    /// The last `lines` lines of a server log, without named's build banner.
    static func tail(of path: String, lines: Int) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log at \(path))" }
        let noise = ["built with ", "compiled with ", "linked to ", "compiled by ", "-----", "BIND 9 is maintained",
                     "Inc. (ISC)", "corporation.  Support", "available at https://www.isc.org"]
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !noise.contains { line.contains($0) } }
            .suffix(lines).joined(separator: "\n")
    }
}

/// A loopback port on which nothing listens (free for UDP and TCP when checked), for tests of an
/// unreachable server. It stays reserved for the rest of the process, so no fixture server of this
/// process will ever be started on it.
public func freeLoopbackPort() throws -> UInt16 {
    try PortRegistry.shared.reserve()
}

/// Hands out loopback ports that are free for both UDP and TCP and not given to another live
/// fixture of this process. Ports come from below the kernel's ephemeral range when there is room
/// (so client sockets of dig, nsupdate and the code under test cannot grab them in between), else
/// from the kernel (bind to port 0).
final class PortRegistry: @unchecked Sendable {
    static let shared = PortRegistry()

    private let lock = NSLock()
    private var inUse: Set<UInt16> = []

    func reserve() throws -> UInt16 {
        let ephemeralStart = Self.ephemeralRangeStart()
        for _ in 0..<200 {
            let candidate: UInt16?
            if ephemeralStart > 12_000 {
                candidate = UInt16(Int.random(in: 10_000..<ephemeralStart))
            } else {
                candidate = Self.kernelChosenUDPPort()
            }
            guard let port = candidate else { continue }
            lock.lock()
            let taken = inUse.contains(port)
            if !taken { inUse.insert(port) }
            lock.unlock()
            if taken { continue }
            if Self.isFree(port) { return port }
            release(port)
        }
        throw DNSServerFixtureError.noFreePort
    }

    func release(_ port: UInt16) {
        lock.lock()
        inUse.remove(port)
        lock.unlock()
    }

    static func ephemeralRangeStart() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: \.isWhitespace).first, let value = Int(first)
        else { return 0 }
        return value
    }

    static func kernelChosenUDPPort() -> UInt16? {
        guard let fd = bindSocket(udp: true, port: 0) else { return nil }
        defer { close(fd) }
        var sin = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? UInt16(bigEndian: sin.sin_port) : nil
    }

    /// Both a UDP and a TCP socket can bind 127.0.0.1:port right now.
    static func isFree(_ port: UInt16) -> Bool {
        guard let udp = bindSocket(udp: true, port: port) else { return false }
        defer { close(udp) }
        guard let tcp = bindSocket(udp: false, port: port) else { return false }
        close(tcp)
        return true
    }

    static func bindSocket(udp: Bool, port: UInt16) -> Int32? {
        #if canImport(Glibc)
        let type = udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue)
        #else
        let type = udp ? SOCK_DGRAM : SOCK_STREAM
        #endif
        guard var sin = DNSProbe.socketAddress(DNSServerFixture.address, port) else { return nil }
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return nil }
        let result = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { close(fd); return nil }
        return fd
    }
}
