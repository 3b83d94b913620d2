import Foundation
import Subprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished child process left behind.
public struct ProcessResult: Sendable, CustomStringConvertible {
    /// The exit status, or the signal number when `terminatedBySignal` is true (Foundation's convention).
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when the process died from a signal rather than calling exit.
    public let terminatedBySignal: Bool

    public init(status: Int32, stdout: String, stderr: String, terminatedBySignal: Bool = false) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.terminatedBySignal = terminatedBySignal
    }

    /// Exited normally with status 0.
    public var succeeded: Bool { status == 0 && !terminatedBySignal }

    /// stdout split into lines, without empty ones.
    public var stdoutLines: [String] {
        stdout.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    public var description: String {
        let how = terminatedBySignal ? "signal \(status)" : "status \(status)"
        return "\(how)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
    }
}

public enum ProcessError: Error, CustomStringConvertible {
    case executableNotFound(String)
    case launchFailed(String, underlying: String)
    case timedOut(String, [String], seconds: Double, partial: ProcessResult)

    public var description: String {
        switch self {
        case .executableNotFound(let name):
            return "executable '\(name)' not found in PATH or /usr/sbin, /sbin, /usr/bin, /bin"
        case .launchFailed(let path, let underlying):
            return "could not start \(path): \(underlying)"
        case .timedOut(let path, let arguments, let seconds, let partial):
            return "\(path) \(arguments.joined(separator: " ")) did not finish within \(seconds) s and was killed\n\(partial)"
        }
    }
}

/// Resolves an executable name the way a shell would (without running one): a name containing
/// "/" is taken as is; otherwise PATH is searched, then the sbin directories (named, knotd and
/// tsig-keygen live in /usr/sbin, which a non-login PATH may lack).
public func findExecutable(_ name: String) throws -> String {
    if name.contains("/") {
        guard FileManager.default.isExecutableFile(atPath: name) else { throw ProcessError.executableNotFound(name) }
        return name
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    var directories = path.split(separator: ":").map(String.init)
    directories += ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
    for directory in directories where !directory.isEmpty {
        let candidate = directory + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw ProcessError.executableNotFound(name)
}

/// What a child wrote to stdout and stderr so far, kept outside `run`'s body so that a child killed
/// at its timeout still leaves what it had written.
final class CapturedOutput: @unchecked Sendable {
    enum Stream { case stdout, stderr }

    private let lock = NSLock()
    private var out: [UInt8] = []
    private var err: [UInt8] = []

    /// Appends everything `sequence` delivers until the child closes the stream or exits (Subprocess
    /// ends the sequence when the child has exited, even if a grandchild keeps the pipe open).
    func collect(_ sequence: SubprocessOutputSequence, into stream: Stream) async throws {
        for try await buffer in sequence {
            buffer.withUnsafeBytes { bytes in
                lock.lock()
                switch stream {
                case .stdout: out.append(contentsOf: bytes)
                case .stderr: err.append(contentsOf: bytes)
                }
                lock.unlock()
            }
        }
    }

    var text: (stdout: String, stderr: String) {
        lock.lock(); defer { lock.unlock() }
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

/// Runs an executable (no shell) through swift-subprocess and waits for it, with a hard timeout after
/// which the child is killed by its PID (SIGKILL) and `ProcessError.timedOut` is thrown.
///
/// - Parameters:
///   - executable: a path, or a name looked up as `findExecutable` does.
///   - environment: variables set on top of the inherited environment (nil: inherit unchanged).
///   - input: written to the child's stdin, which is then closed (nil: stdin is /dev/null).
///   - timeout: seconds.
///
/// Suspends rather than blocks: no thread of the Swift concurrency pool waits for the child.
public func runProcess(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String]? = nil,
    input: String? = nil,
    timeout: Double = 30
) async throws -> ProcessResult {
    let path = try findExecutable(executable)
    var childEnvironment = Environment.inherit
    if let environment {
        childEnvironment = childEnvironment.updating(
            Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) }))
    }
    let configuration = Configuration(
        executable: .path(.init(path)), arguments: .init(arguments), environment: childEnvironment)
    if let input {
        return try await runProcess(configuration, path, arguments, input: .string(input), timeout: timeout)
    }
    return try await runProcess(configuration, path, arguments, input: .none, timeout: timeout)
}

/// How a `runProcess` child ended: by itself, or at its timeout.
private enum Finish: Sendable {
    case exited(TerminationStatus)
    case timedOut
}

/// `runProcess` for one kind of stdin (the input type is a generic parameter of Subprocess's `run`).
private func runProcess<Input: InputProtocol>(
    _ configuration: Configuration, _ path: String, _ arguments: [String], input: Input, timeout: Double
) async throws -> ProcessResult {
    let captured = CapturedOutput()
    let finish: Finish
    do {
        finish = try await withThrowingTaskGroup(of: Finish.self) { group in
            group.addTask {
                let result = try await run(configuration, input: input, output: .sequence, error: .sequence) { execution in
                    async let out: Void = captured.collect(execution.standardOutput, into: .stdout)
                    async let err: Void = captured.collect(execution.standardError, into: .stderr)
                    _ = try await (out, err)
                }
                return .exited(result.terminationStatus)
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1_000_000_000))
                return .timedOut
            }
            // Whichever comes first; then cancel the other. Cancelling `run` makes Subprocess tear the
            // child down: its teardown sequence is empty here, so that is SIGKILL at once, sent to the
            // child's PID through its pidfd (pidfd_send_signal, so never to a reused PID). The group
            // then waits until `run` has reaped the child.
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
    } catch let error as SubprocessError {
        throw ProcessError.launchFailed(path, underlying: "\(error)")
    }
    let (stdout, stderr) = captured.text
    switch finish {
    case .timedOut:
        let partial = ProcessResult(status: -1, stdout: stdout, stderr: stderr, terminatedBySignal: true)
        throw ProcessError.timedOut(path, arguments, seconds: timeout, partial: partial)
    case .exited(.exited(let code)):
        return ProcessResult(status: code, stdout: stdout, stderr: stderr)
    case .exited(.signaled(let signal)):
        return ProcessResult(status: signal, stdout: stdout, stderr: stderr, terminatedBySignal: true)
    }
}
