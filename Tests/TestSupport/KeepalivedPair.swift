import Foundation

/// Two keepalived instances (Debian's package) in a lab's namespaces a and b, started, killed and
/// stopped by PID: the failover benchmark's peer, and the keepalived recipe's test bed.
public final class KeepalivedPair: @unchecked Sendable {
    public let directory: String
    public let lab: NetworkLab
    private let config: @Sendable (_ node: String, _ pair: KeepalivedPair) -> String
    private var processes: [String: BackgroundProcess] = [:]

    private init(directory: String, lab: NetworkLab, config: @escaping @Sendable (String, KeepalivedPair) -> String) {
        self.directory = directory
        self.lab = lab
        self.config = config
    }

    /// `config`: the keepalived.conf of a node, given the pair (its directory holds what the files name).
    public static func with<T>(_ lab: NetworkLab, config: @escaping @Sendable (_ node: String, _ pair: KeepalivedPair) -> String,
                               _ body: (KeepalivedPair) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "dnsfix-keepalived-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let pair = KeepalivedPair(directory: directory, lab: lab, config: config)
        do {
            for node in ["a", "b"] { try await pair.start(node) }
            let result = try await body(pair)
            await pair.stop()
            return result
        } catch {
            await pair.stop(keepingLogs: true)
            FileHandle.standardError.write(Data("keepalived's config and logs are kept in \(directory)\n".utf8))
            throw error
        }
    }

    public func start(_ node: String) async throws {
        let file = directory + "/\(node).conf"
        try config(node, self).write(toFile: file, atomically: true, encoding: .utf8)
        // A killed keepalived leaves its pid files, and a new one then believes it is already running.
        for pidFile in ["\(node).pid", "\(node).vrrp.pid"] { try? FileManager.default.removeItem(atPath: directory + "/" + pidFile) }
        let command = ["netns", "exec", lab[node].namespace, try findExecutable("keepalived"), "--dont-fork", "--log-console",
                       "--vrrp", "-f", file, "-p", directory + "/\(node).pid", "-r", directory + "/\(node).vrrp.pid"]
        processes[node] = try await BackgroundProcess.start("ip", command, log: directory + "/\(node).log")
    }

    /// keepalived runs as a parent and a VRRP child: a crash takes both.
    public func kill(_ node: String) async {
        guard let parent = processes[node] else { return }
        for child in Self.children(of: parent.pid) { Glibc.kill(child, SIGKILL) }
        parent.signal(SIGKILL)
        _ = await parent.waitForExit(seconds: 5)
    }

    /// A planned stop: SIGTERM makes keepalived send a priority-0 advertisement, so the backup takes
    /// over at once (keepalived's switchover).
    public func terminate(_ node: String) async {
        processes[node]?.signal(SIGTERM)
        _ = await processes[node]?.waitForExit(seconds: 10)
    }

    /// The PIDs of a node's keepalived, parent and VRRP child.
    public func pids(_ node: String) -> [Int32] {
        guard let parent = processes[node]?.pid else { return [] }
        return [parent] + Self.children(of: parent)
    }

    /// What a node's keepalived logged (--log-console), notify scripts' runs included.
    public func log(_ node: String) -> String {
        (try? String(contentsOfFile: directory + "/\(node).log", encoding: .utf8)) ?? ""
    }

    public static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    public func stop(keepingLogs: Bool = false) async {
        let running = Array(processes.values)
        await Task {
            for process in running {
                for child in Self.children(of: process.pid) { Glibc.kill(child, SIGKILL) }
                await process.stop()
            }
        }.value
        if !keepingLogs { try? FileManager.default.removeItem(atPath: directory) }
    }
}
