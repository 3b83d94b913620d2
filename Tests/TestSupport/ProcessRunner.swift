import Foundation

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

/// Collects everything a pipe delivers, on a dedicated thread (never on the Swift concurrency pool),
/// and can be asked for what it has so far if the writer never closes its end.
final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock(); data.append(chunk); lock.unlock()
            }
            done.signal()
        }
        thread.name = "TestSupport.PipeCollector"
        thread.start()
    }

    /// Waits up to `seconds` for end of file, then returns what arrived.
    func text(waitingUpTo seconds: Double) -> String {
        _ = done.wait(timeout: .now() + seconds)
        lock.lock(); defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs an executable (no shell) and waits for it, with a hard timeout after which it is killed by its
/// PID (SIGKILL) and `ProcessError.timedOut` is thrown.
///
/// - Parameters:
///   - executable: a path, or a name looked up as `findExecutable` does.
///   - environment: variables set on top of the inherited environment (nil: inherit unchanged).
///   - input: written to the child's stdin, which is then closed (nil: stdin is /dev/null).
///   - timeout: seconds.
/// Blocks the calling thread; children here are short (dig, nsupdate, the CLI), so that is fine in tests.
public func runProcess(
    _ executable: String,
    _ arguments: [String],
    environment: [String: String]? = nil,
    input: String? = nil,
    timeout: Double = 30
) throws -> ProcessResult {
    let path = try findExecutable(executable)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    let outPipe = Pipe()
    let errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    let inPipe: Pipe? = input == nil ? nil : Pipe()
    if let inPipe {
        process.standardInput = inPipe
    } else {
        process.standardInput = FileHandle.nullDevice
    }

    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    do {
        try process.run()
    } catch {
        throw ProcessError.launchFailed(path, underlying: "\(error)")
    }
    // Our copies of the child's ends must go, or EOF never comes.
    try? outPipe.fileHandleForWriting.close()
    try? errPipe.fileHandleForWriting.close()
    let out = PipeCollector(outPipe.fileHandleForReading)
    let err = PipeCollector(errPipe.fileHandleForReading)
    if let inPipe, let input {
        try? inPipe.fileHandleForReading.close()
        let writer = inPipe.fileHandleForWriting
        let bytes = Data(input.utf8)
        // Writing may block if the child does not read: do it off this thread.
        let thread = Thread {
            try? writer.write(contentsOf: bytes)
            try? writer.close()
        }
        thread.start()
    }

    let pid = process.processIdentifier
    if exited.wait(timeout: .now() + timeout) == .timedOut {
        kill(pid, SIGKILL)
        _ = exited.wait(timeout: .now() + 5)
        let partial = ProcessResult(
            status: -1, stdout: out.text(waitingUpTo: 1), stderr: err.text(waitingUpTo: 1), terminatedBySignal: true)
        throw ProcessError.timedOut(path, arguments, seconds: timeout, partial: partial)
    }
    // A grandchild that inherited the pipes could keep them open; do not wait for it forever.
    let stdout = out.text(waitingUpTo: 5)
    let stderr = err.text(waitingUpTo: 5)
    return ProcessResult(
        status: process.terminationStatus,
        stdout: stdout,
        stderr: stderr,
        terminatedBySignal: process.terminationReason == .uncaughtSignal)
}
