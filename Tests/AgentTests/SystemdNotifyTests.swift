import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Agent

/// `Type=notify` without systemd: the test plays systemd's part, binding the `NOTIFY_SOCKET` it gives
/// the agent and reading what arrives.
@Suite struct SystemdNotifyTests {
    static let config = """
        [pair]
        name = "app"
        nodes = [ { name = "a", address = "127.0.0.11" }, { name = "b", address = "127.0.0.12" } ]
        heartbeat = { interval = "100ms", dead_after = 3, key_file = "pair.key", port = PORT }

        [dns]
        server = "127.0.0.1:9"
        zone = "example.test."
        name = "app.example.test."
        arbiter = false

        [health]
        listen = ":HEALTH"
        """

    @Test func readyOnceTheStartupWaitIsOverThenWatchdogPingsAndStopping() async throws {
        let config = Self.config.replacingOccurrences(of: "PORT", with: "\(try freeLoopbackPort())")
            .replacingOccurrences(of: "HEALTH", with: "\(try freeLoopbackPort())")
        try await withAgents(config: config) { pair in
            let listener = try NotifyListener(path: pair.directory + "/notify.sock")
            defer { listener.stop() }
            try await pair.start("a", environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"])
            #expect(await pair.waitUntil(seconds: 4) { listener.messages.contains { $0.contains("READY=1") } }, "\(listener.messages)")
            let messages = listener.messages
            let ready = try #require(messages.firstIndex { $0.contains("READY=1") })
            #expect(messages[ready].contains("STATUS=ALONE"), "ready once the node knows its role: \(messages[ready])")
            #expect(messages[..<ready].contains { $0.contains("STATUS=WAIT (start-up wait)") })
            #expect(messages.filter { $0.contains("READY=1") }.count == 1)

            let pings = listener.messages.filter { $0.contains("WATCHDOG=1") }.count
            try await Task.sleep(for: .seconds(1))
            #expect(listener.messages.filter { $0.contains("WATCHDOG=1") }.count >= pings + 3, "a ping every 200 ms")

            pair.agents["a"]?.signal(SIGTERM)
            #expect(await pair.waitUntil(seconds: 4) { listener.messages.contains { $0.contains("STOPPING=1") } }, "\(pair.logs())")
        }
    }

    @Test func theWatchdogIsForThisProcessOnly() {
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "400000"]) == .milliseconds(200))
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "\(getpid())"]) == .milliseconds(200))
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"]) == nil)
        #expect(SystemdNotifier.watchdogInterval([:]) == nil)
        #expect(SystemdNotifier(environment: [:]) == nil)
    }
}

/// systemd's end of `NOTIFY_SOCKET`: a datagram socket read on a thread of its own.
final class NotifyListener: Sendable {
    let path: String
    private let descriptor: Int32
    private let received = Mutex<[String]>([])
    private let stopped = Atomic<Bool>(false)

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !stopped.load(ordering: .acquiring) {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count > 0 { received.withLock { $0.append(String(decoding: buffer[..<count], as: UTF8.self)) } }
            }
            close(descriptor)
        }.start()
    }

    var messages: [String] { received.withLock { $0 } }

    func stop() { stopped.store(true, ordering: .releasing) }
}
