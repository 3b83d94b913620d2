import ArgumentParser

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnsfix-bench",
        abstract: "Benchmarks of dnsfix against the tools operators use today, measured side by side in one run.",
        subcommands: [UpdateBenchmark.self, AuditBenchmark.self, VIPBenchmark.self, AgentBenchmark.self, TimelineDemo.self,
                      FaultSuite.self, SoakBenchmark.self]
    )
}
