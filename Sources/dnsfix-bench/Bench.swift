import ArgumentParser
import Dispatch
import Foundation

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnsfix-bench",
        abstract: "Benchmarks of dnsfix against the tools operators use today, measured side by side in one run.",
        subcommands: [UpdateBenchmark.self, AuditBenchmark.self, VIPBenchmark.self, AgentBenchmark.self, TimelineDemo.self,
                      FaultSuite.self, SoakBenchmark.self, TestBed.self, FailoverBenchmark.self]
    )

    /// Ctrl-C or SIGTERM cancels the command instead of killing the process, so that what it built
    /// (namespaces, agents, named) is removed on the way out, as when it fails.
    static func main() async {
        do {
            let work = Task.detached {
                var command = try parseAsRoot()
                if var asynchronous = command as? AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
            }
            let sources = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
                source.setEventHandler {
                    FileHandle.standardError.write(Data("dnsfix-bench: interrupted; removing what it made\n".utf8))
                    work.cancel()
                }
                source.resume()
                return source
            }
            defer { sources.forEach { $0.cancel() } }
            try await work.value
        } catch {
            exit(withError: error)
        }
    }
}
