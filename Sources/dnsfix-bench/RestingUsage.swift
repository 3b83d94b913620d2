import ArgumentParser
import Foundation

/// What an idle agent costs: CPU from /proc/PID/stat over a quiet interval, and its resident memory
/// from /proc/PID/status at the end (all of it, and the part that is its own: anonymous pages).
struct RestingUsage {
    var cpuPercent: Double
    var residentMB: Double
    var anonymousMB: Double

    static func measure(pid: Int32, seconds: Int) async throws -> RestingUsage {
        try await measure(pids: [pid], seconds: seconds)
    }

    /// The processes of one daemon together (keepalived runs as a parent and a VRRP child).
    static func measure(pids: [Int32], seconds: Int) async throws -> RestingUsage {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let before = try pids.map(cpuTicks).reduce(0, +)
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let elapsed = ContinuousClock.now - started
        let used = Double(try pids.map(cpuTicks).reduce(0, +) - before) / ticksPerSecond
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var resident = 0.0, anonymous = 0.0
        for pid in pids {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            resident += try kilobytes("VmRSS", in: status)
            anonymous += try kilobytes("RssAnon", in: status)
        }
        return RestingUsage(cpuPercent: used / wall * 100, residentMB: resident / 1024, anonymousMB: anonymous / 1024)
    }

    /// utime + stime: fields 14 and 15, counted after the command name's closing parenthesis.
    private static func cpuTicks(_ pid: Int32) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw ValidationError("cannot read /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else {
            throw ValidationError("cannot read the CPU times in /proc/\(pid)/stat")
        }
        return user + system
    }

    private static func kilobytes(_ key: String, in status: String) throws -> Double {
        for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
            if let value = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap({ Double($0) }) { return value }
        }
        throw ValidationError("no \(key) in /proc/PID/status")
    }
}
