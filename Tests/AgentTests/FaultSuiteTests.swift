import Foundation
import Testing
import TestSupport

/// The fault suite (`dnsfix-bench faults`) at the reduced count CI can afford: every scenario once,
/// against two real agents, a client and named in namespaces, with DESIGN.md's invariants checked.
/// `dnsfix-bench faults --runs 20` is the full suite (README, "Fault suite").
@Suite(.enabled(if: NetworkLab.canRun, "skipped: needs root to create network namespaces and plumb addresses"))
struct FaultSuiteTests {
    @Test func everyScenarioOnceKeepsTheInvariants() async throws {
        let result = try await runProcess(ProjectPaths.product("dnsfix-bench"), ["faults", "--runs", "1"], timeout: 900)
        #expect(result.succeeded, "\(result.stdout)\n\(result.stderr)")
        let rows = result.stdoutLines.filter { $0.contains("  1     ") }
        #expect(rows.count == 11, "one row per scenario:\n\(result.stdout)")
        #expect(!result.stdout.contains("violation:"), "\(result.stdout)")
    }
}
