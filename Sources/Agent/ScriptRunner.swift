import FailoverCore
import Foundation
import Logging
import Subprocess

/// Runs the operator's restart scripts one after the other, without a shell, with `DNSFIX_*`
/// environment and under a timeout, logging what they print. A missing script is a success: an
/// operator writes only the scripts they need.
final class ScriptRunner: Sendable {
    struct Context: Sendable {
        var state: String
        var epoch: UInt64
    }

    private let directory: String?
    private let timeout: Duration
    private let environment: [String: String]
    private let logger: Logger
    private let queue: AsyncStream<(Script, Context)>.Continuation
    private let worker: Task<Void, Never>

    init(plan: AgentPlan, logger: Logger, report: @escaping @Sendable (Event) -> Void) {
        directory = plan.config.scripts.directory
        timeout = plan.config.scripts.timeout
        environment = [
            "DNSFIX_NODE": plan.node.name, "DNSFIX_PEER": plan.peer.name, "DNSFIX_PAIR": plan.config.pair.name,
            "DNSFIX_VIP": (plan.config.vip?.addresses ?? []).map(\.description).joined(separator: " "),
            "DNSFIX_NAME": plan.config.dns?.name.text ?? "",
        ]
        self.logger = logger
        let (stream, continuation) = AsyncStream<(Script, Context)>.makeStream()
        queue = continuation
        let runner = Runner(directory: directory, timeout: timeout, environment: environment, logger: logger)
        worker = Task {
            for await (script, context) in stream {
                report(.scriptFinished(script, succeeded: await runner.run(script, context)))
            }
        }
    }

    func enqueue(_ script: Script, _ context: Context) {
        queue.yield((script, context))
    }

    deinit {
        queue.finish()
    }

    private enum Finish: Sendable {
        case exited(Bool, String, String, String)
        case timedOut
    }

    private struct Runner: Sendable {
        let directory: String?
        let timeout: Duration
        let environment: [String: String]
        let logger: Logger

        func run(_ script: Script, _ context: Context) async -> Bool {
            guard let directory else { return true }
            let path = "\(directory)/\(script.rawValue)"
            guard FileManager.default.fileExists(atPath: path) else { return true }
            var variables = environment
            variables["DNSFIX_SCRIPT"] = script.rawValue
            variables["DNSFIX_STATE"] = context.state
            variables["DNSFIX_EPOCH"] = "\(context.epoch)"
            let overrides = Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) })
            let configuration = Configuration(executable: .path(.init(path)), arguments: [script.rawValue],
                                              environment: Environment.inherit.updating(overrides))
            do {
                let finish = try await withThrowingTaskGroup(of: Finish.self) { group in
                    group.addTask {
                        let result = try await Subprocess.run(configuration, output: .string(limit: 64 * 1024),
                                                              error: .string(limit: 64 * 1024))
                        return .exited(result.terminationStatus.isSuccess, "\(result.terminationStatus)",
                                       result.standardOutput, result.standardError)
                    }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        return .timedOut
                    }
                    // Whichever comes first; cancelling `run` makes Subprocess kill the script by its pidfd.
                    let first = try await group.next()!
                    group.cancelAll()
                    return first
                }
                guard case .exited(let succeeded, let status, let output, let errors) = finish else {
                    logger.error("\(script.rawValue) did not finish within \(timeout) and was killed")
                    return false
                }
                for line in output.split(separator: "\n") { logger.info("\(script.rawValue): \(line)") }
                for line in errors.split(separator: "\n") { logger.warning("\(script.rawValue): \(line)") }
                if !succeeded { logger.error("\(script.rawValue) failed: \(status)") }
                return succeeded
            } catch {
                logger.error("\(script.rawValue) could not run: \(error)")
                return false
            }
        }
    }
}
