import DNSModel
import Foundation
import Testing
@testable import ZoneFile

/// Large files are read in parts on several cores; these force small parts on small files and check
/// that a read in parts is exactly the whole read, and that the reader reads whole what it cannot split.
@Suite struct SplitFiles {
    private let origin = try! DNSName("example.test.")

    /// Writes `text` to a file of its own; returns the path and removes the file when `body` returns.
    private func withFile<Result>(_ text: String, _ body: (String) throws -> Result) throws -> Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString).zone").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    private func inParts(_ path: String) -> ZoneFileContents? {
        ZoneFileReader.readInParts(path: path, origin: origin, defaultTTL: 3600, parts: 3, minimumPartBytes: 512)
    }

    private func whole(_ text: String, _ path: String) throws -> ZoneFileContents {
        try ZoneFileReader.read(text: text, origin: origin, nameForErrors: path)
    }

    private static let header = """
        $ORIGIN example.test.
        $TTL 300
        @ IN SOA ns1 hostmaster (
            1 3600 600 86400 300 )
        @ IN NS ns1

        """

    @Test func aFileReadInPartsIsTheWholeRead() throws {
        var text = Self.header
        for index in 0..<300 {
            switch index % 5 {
            case 0: text += "host\(index) IN A 192.0.2.\(index % 250 + 1)\n"
            case 1: text += "host\(index) 60 IN AAAA 2001:db8::\(String(index, radix: 16))\n"
            case 2: text += "alias\(index) IN CNAME host\(index - 2)\n"
            case 3: text += "; a comment line\nhost\(index) IN TXT \"index=\(index)\"\n\tIN TXT \"second\"\n"
            default: text += "bad\\032name\(index) IN A 192.0.2.1\n"
            }
        }
        try withFile(text) { path in
            let parts = try #require(inParts(path), "a plain file with $TTL is read in parts")
            let expected = try whole(text, path)
            #expect(parts.records == expected.records)
            #expect(parts.skipped == expected.skipped, "skips keep their lines in the whole file")
            #expect(parts.skipped.count == 60)
            #expect(try ZoneFileReader.read(path: path, origin: origin).records == expected.records)
        }
    }

    @Test func aCutInsideParenthesesReadsTheFileWhole() throws {
        let text = Self.header + "big IN TXT (\n" + String(repeating: "\"a line of text inside one record\"\n", count: 200)
            + ")\nafter IN A 192.0.2.1\n"
        try withFile(text) { path in
            #expect(inParts(path) == nil)
            let contents = try ZoneFileReader.read(path: path, origin: origin)
            #expect(contents.records == (try whole(text, path)).records)
            #expect(contents.records.count == 4)
        }
    }

    @Test func withoutDollarTTLTheFileIsReadWhole() throws {
        // Records without a TTL take the last one written, which a part could not know.
        var text = "$ORIGIN example.test.\n"
        for index in 0..<300 { text += index % 10 == 0 ? "host\(index) \(index) IN A 192.0.2.1\n" : "host\(index) IN A 192.0.2.1\n" }
        try withFile(text) { path in
            #expect(inParts(path) == nil)
            let contents = try ZoneFileReader.read(path: path, origin: origin)
            #expect(contents.records == (try whole(text, path)).records)
        }
    }

    @Test func anErrorInALaterPartNamesItsLineInTheFile() throws {
        var text = Self.header
        for index in 0..<300 { text += "host\(index) IN A 192.0.2.1\n" }
        text += "broken IN A 192.0.2.300\n"
        try withFile(text) { path in
            #expect(inParts(path) == nil)
            let expected = #expect(throws: ZoneFileError.self) { try whole(text, path) }
            let error = #expect(throws: ZoneFileError.self) { try ZoneFileReader.read(path: path, origin: origin) }
            #expect(error == expected)
            #expect(error?.line == 306)
        }
    }

    @Test func otherDirectivesReadTheFileWhole() throws {
        var text = Self.header
        for index in 0..<150 { text += "host\(index) IN A 192.0.2.1\n" }
        text += "$ORIGIN sub.example.test.\n"
        for index in 0..<150 { text += "host\(index) IN A 192.0.2.2\n" }
        try withFile(text) { path in
            // A later $ORIGIN changes the state a part after it starts in: the check sees it.
            let contents = try ZoneFileReader.read(path: path, origin: origin)
            #expect(contents.records == (try whole(text, path)).records)
            #expect(contents.records.last?.name == (try DNSName("host149.sub.example.test.")))
        }
    }
}
