import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The sd_notify protocol, spoken without libsystemd: datagrams to `$NOTIFY_SOCKET`. With
/// `Type=notify`, systemd counts the agent started once it says READY=1, which it does when the
/// start-up wait is over (the node knows its role); with `WatchdogSec`, the loop pings at half the
/// interval, so a loop that hangs is restarted. STATUS= carries the state to `systemctl status`.
final class SystemdNotifier {
    private let socket: Int32
    private let address: sockaddr_un
    private let addressLength: socklen_t
    private let watchdogInterval: Duration?
    private var lastPing: ContinuousClock.Instant?
    private var saidReady = false
    private var lastStatus = ""

    /// Nil when systemd did not ask (no `NOTIFY_SOCKET`) or the socket cannot be used.
    init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.utf8.count < 108 else { return nil }
        let made = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard made >= 0 else { return nil }
        socket = made
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        // A leading "@" names a socket in the abstract namespace: its first byte is NUL on the wire.
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &target.sun_path) { $0.copyBytes(from: bytes) }
        address = target
        addressLength = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        watchdogInterval = Self.watchdogInterval(environment)
    }

    deinit { close(socket) }

    /// Half of `WATCHDOG_USEC`, when it is meant for this process (`WATCHDOG_PID` absent or ours).
    static func watchdogInterval(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let micros = Int64(text), micros > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return .microseconds(micros / 2)
    }

    /// After each turn of the loop: READY=1 once the start-up wait is over, STATUS= when it changed,
    /// WATCHDOG=1 when a ping is due.
    func loopTurned(startupOver: Bool, status: String, now: ContinuousClock.Instant = .now) {
        var lines: [String] = []
        if startupOver, !saidReady {
            saidReady = true
            lines.append("READY=1")
        }
        if status != lastStatus {
            lastStatus = status
            lines.append("STATUS=\(status)")
        }
        if let interval = watchdogInterval, lastPing.map({ now - $0 >= interval }) ?? true {
            lastPing = now
            lines.append("WATCHDOG=1")
        }
        send(lines)
    }

    func stopping() { send(["STOPPING=1", "STATUS=handing over and stopping"]) }

    private func send(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let message = Array(lines.joined(separator: "\n").utf8)
        var target = address
        _ = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, addressLength) }
            }
        }
    }
}
