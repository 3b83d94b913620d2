import ArgumentParser
import Foundation
import TestSupport

/// Two keepalived instances (Debian's package) moving the same VIP on the same bed, for comparison:
/// VRRPv3 over unicast between the nodes' addresses, node a with the higher priority.
final class KeepalivedPair: @unchecked Sendable {
    let directory: String
    let lab: NetworkLab
    /// VRRP advertisement interval in seconds: keepalived's default is 1.
    let advertInterval: Double
    private var processes: [String: BackgroundProcess] = [:]

    private init(directory: String, lab: NetworkLab, advertInterval: Double) {
        self.directory = directory
        self.lab = lab
        self.advertInterval = advertInterval
    }

    static func with<T>(_ lab: NetworkLab, advertInterval: Double, _ body: (KeepalivedPair) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "dnsfix-bench-keepalived-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pair = KeepalivedPair(directory: directory, lab: lab, advertInterval: advertInterval)
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

    private func config(_ node: String) -> String {
        let peer = node == "a" ? "b" : "a"
        return """
            global_defs {
              router_id \(node)
              vrrp_version 3
            }
            vrrp_instance VI {
              state BACKUP
              interface eth1
              virtual_router_id 51
              priority \(node == "a" ? 101 : 100)
              advert_int \(advertInterval)
              unicast_src_ip \(lab[node].ipv4)
              unicast_peer {
                \(lab[peer].ipv4)
              }
              virtual_ipaddress {
                192.0.2.50/32 dev eth1
              }
            }
            """
    }

    func start(_ node: String) async throws {
        let file = directory + "/\(node).conf"
        try config(node).write(toFile: file, atomically: true, encoding: .utf8)
        // A killed keepalived leaves its pid files, and a new one then believes it is already running.
        for pidFile in ["\(node).pid", "\(node).vrrp.pid"] { try? FileManager.default.removeItem(atPath: directory + "/" + pidFile) }
        let command = ["netns", "exec", lab[node].namespace, try findExecutable("keepalived"), "--dont-fork", "--log-console",
                       "--vrrp", "-f", file, "-p", directory + "/\(node).pid", "-r", directory + "/\(node).vrrp.pid"]
        processes[node] = try await BackgroundProcess.start("ip", command, log: directory + "/\(node).log")
    }

    /// keepalived runs as a parent and a VRRP child: a crash takes both.
    func kill(_ node: String) async {
        guard let parent = processes[node] else { return }
        for child in Self.children(of: parent.pid) { Glibc.kill(child, SIGKILL) }
        parent.signal(SIGKILL)
        _ = await parent.waitForExit(seconds: 5)
    }

    /// A planned stop: SIGTERM makes keepalived send a priority-0 advertisement, so the backup takes
    /// over at once (keepalived's switchover).
    func terminate(_ node: String) async {
        processes[node]?.signal(SIGTERM)
        _ = await processes[node]?.waitForExit(seconds: 10)
    }

    /// Resident KB and CPU ticks of a node's keepalived, parent and child together.
    func pids(_ node: String) -> [Int32] {
        guard let parent = processes[node]?.pid else { return [] }
        return [parent] + Self.children(of: parent)
    }

    static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    func stop(keepingLogs: Bool = false) async {
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
