import Foundation
import Testing

/// The core decides; it must not reach the world: no C module, no networking, no Foundation clock.
@Suite struct PurityTests {
    static let allowed: Set<String> = ["DNSModel", "Crypto"]

    /// `import X`, `internal import X`, `@preconcurrency import X` and the like.
    static func isImport(_ line: Substring) -> Bool {
        let words = line.split(separator: " ")
        guard let index = words.firstIndex(of: "import"), index <= 2 else { return false }
        return words[..<index].allSatisfy { $0.hasPrefix("@") || ["internal", "public", "package", "private", "fileprivate"].contains($0) }
    }

    @Test func theCoreImportsOnlyPureModules() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/FailoverCore")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String])
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where Self.isImport(line) {
                let module = String(line.split(separator: " ").last ?? "")
                #expect(Self.allowed.contains(module), "\(file) imports \(module)")
            }
        }
    }
}
