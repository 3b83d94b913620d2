import Foundation
import Subprocess
import Synchronization

/// A long-running child (an agent) that a test starts, signals by its PID while it runs, and stops:
/// SIGTERM, then SIGKILL after a grace period. Its output goes to a log file.
public final class BackgroundProcess: Sendable {
    public let pid: Int32
    public let log: String
    private let ended: Task<String, Never>
    private let exited = Mutex(false)

    private init(pid: Int32, log: String, ended: Task<String, Never>) {
        self.pid = pid
        self.log = log
        self.ended = ended
    }

    public static func start(_ executable: String, _ arguments: [String], log: String) async throws -> BackgroundProcess {
        let path = try findExecutable(executable)
        let descriptor = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ProcessError.launchFailed(path, underlying: "cannot open \(log)") }
        let (pids, announce) = AsyncStream<Int32>.makeStream()
        let ended = Task<String, Never> {
            do {
                // `run` returns once the child has exited and been reaped.
                let result = try await run(
                    .path(.init(path)), arguments: .init(arguments), input: .none,
                    output: .fileDescriptor(.init(rawValue: descriptor), closeAfterSpawningProcess: true),
                    error: .combinedWithOutput
                ) { execution in
                    announce.yield(execution.processIdentifier.value)
                    announce.finish()
                }
                return "\(result.terminationStatus)"
            } catch {
                announce.finish()
                return "could not run: \(error)"
            }
        }
        var iterator = pids.makeAsyncIterator()
        guard let pid = await iterator.next() else {
            throw ProcessError.launchFailed(path, underlying: await ended.value)
        }
        let process = BackgroundProcess(pid: pid, log: log, ended: ended)
        Task { [process] in
            _ = await ended.value
            process.exited.withLock { $0 = true }
        }
        return process
    }

    public var hasExited: Bool { exited.withLock { $0 } }

    /// Sends a signal while the child has not been reaped (so never to a reused PID).
    public func signal(_ number: Int32) {
        if !hasExited { kill(pid, number) }
    }

    /// How it ended, or nil if it still runs after `seconds`.
    public func waitForExit(seconds: Double) async -> String? {
        for _ in 0..<Int(seconds * 50) {
            if hasExited { return await ended.value }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return hasExited ? await ended.value : nil
    }

    public func stop() async {
        signal(SIGTERM)
        if await waitForExit(seconds: 5) == nil {
            signal(SIGKILL)
            _ = await ended.value
        }
    }
}
