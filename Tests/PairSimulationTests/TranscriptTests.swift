import Foundation
import PairSimulation
import Testing

/// The transcripts in Transcripts/ are the specification of the pair's rules, run against the real
/// core in the simulated world.
@Suite struct TranscriptTests {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Transcripts")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
    }

    @Test func everyRuleHasATranscript() {
        #expect(Self.names.count >= 12, "found \(Self.names)")
    }

    @Test(arguments: names) func transcript(_ name: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        do {
            try Transcript(text).run()
        } catch {
            Issue.record("\(name) \(error)")
        }
    }

    @Test func aWrongExpectationFailsWithItsLine() {
        let transcript = Transcript("""
            start a b
            run 1s
            expect a SECOND
            """)
        #expect(throws: Transcript.Failure.self) { try transcript.run() }
        do {
            try transcript.run()
        } catch {
            #expect(error.line == 3)
            #expect(error.message == "a is PRIM (epoch 1)")
        }
    }
}
