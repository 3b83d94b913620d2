import DNSModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A large zone file read in parts, one core each. A part begins at a line that starts with a record's
/// owner, and it parses alone as it would within the file when it starts in the `$ORIGIN` and `$TTL`
/// in which the part before it ends: the reader checks exactly that (with the scanner's own state) and
/// reads the file whole when it does not hold, when a part meets an error, or when the file has
/// directives other than `$ORIGIN` and `$TTL` or no `$TTL` before its first cut. So the records, the
/// skips with their lines, and the errors are those of reading the whole file.
struct ZoneFileSplit {
    /// Files smaller than this are read whole: a part must be worth a core.
    static let minimumPartBytes = 8 << 20

    /// The directive lines, in file order, all before the first cut.
    let directives: [UInt8]
    /// Where each part begins; the first begins at 0.
    let starts: [Int]

    /// Nil when the file is read whole.
    init?(_ text: UnsafeRawBufferPointer, parts wanted: Int, minimumPartBytes: Int = Self.minimumPartBytes) {
        let parts = min(wanted, text.count / minimumPartBytes)
        guard parts >= 2, let (directives, directivesEnd) = Self.directiveLines(text) else { return nil }
        var starts = [0]
        for part in 1..<parts {
            let target = max(text.count / parts * part, directivesEnd, starts.last! + 1)
            guard let start = Self.recordLine(in: text, from: target) else { break }
            starts.append(start)
        }
        guard starts.count >= 2 else { return nil }
        self.directives = directives
        self.starts = starts
    }

    /// The bytes of part `index`.
    func part(_ index: Int, of text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let end = index + 1 < starts.count ? starts[index + 1] : text.count
        return UnsafeRawBufferPointer(rebasing: text[starts[index]..<end])
    }

    /// The lines of the file before `offset`.
    func newlines(before offset: Int, in text: UnsafeRawBufferPointer) -> Int {
        text[..<offset].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// The lines that start with "$", with the offset after the last; nil when one is not `$ORIGIN` or
    /// `$TTL` (`$INCLUDE` would resolve its path differently in a part; `$GENERATE` is not split).
    private static func directiveLines(_ text: UnsafeRawBufferPointer) -> ([UInt8], Int)? {
        var lines: [UInt8] = []
        var end = 0
        var offset = 0
        while let dollar = find(UInt8(ascii: "$"), in: text, from: offset) {
            offset = dollar + 1
            guard dollar == 0 || text[dollar - 1] == UInt8(ascii: "\n") else { continue }
            let lineEnd = (find(UInt8(ascii: "\n"), in: text, from: dollar) ?? text.count - 1) + 1
            let line = Array(text[dollar..<lineEnd])
            let word = line.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\n") }
            let name = String(decoding: word, as: UTF8.self).uppercased()
            guard name == "$ORIGIN" || name == "$TTL" else { return nil }
            lines += line
            if line.last != UInt8(ascii: "\n") { lines.append(UInt8(ascii: "\n")) }
            end = lineEnd
        }
        return (lines, end)
    }

    /// The first line at or after `offset`'s line end that starts with an owner (not a blank, a
    /// comment, a directive or a parenthesis), within a thousand lines.
    private static func recordLine(in text: UnsafeRawBufferPointer, from offset: Int) -> Int? {
        var newline = offset == 0 ? -1 : find(UInt8(ascii: "\n"), in: text, from: offset - 1)
        for _ in 0..<1000 {
            guard let current = newline, current + 1 < text.count else { return nil }
            switch text[current + 1] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ";"),
                 UInt8(ascii: "$"), UInt8(ascii: "("), UInt8(ascii: ")"):
                newline = find(UInt8(ascii: "\n"), in: text, from: current + 1)
            default:
                return current + 1
            }
        }
        return nil
    }

    private static func find(_ byte: UInt8, in text: UnsafeRawBufferPointer, from offset: Int) -> Int? {
        guard offset < text.count, let base = text.baseAddress,
              let found = memchr(base + offset, Int32(byte), text.count - offset) else { return nil }
        return UnsafeRawPointer(found) - base
    }
}

extension ZoneFileReader {
    /// The file read in parts on several cores, or nil when it is to be read whole (see `ZoneFileSplit`).
    static func readInParts(path: String, origin: DNSName, defaultTTL: UInt32,
                            parts: Int = Parallel.cores,
                            minimumPartBytes: Int = ZoneFileSplit.minimumPartBytes) -> ZoneFileContents? {
        guard let file = MappedFile(path: path),
              let split = ZoneFileSplit(file.bytes, parts: parts, minimumPartBytes: minimumPartBytes) else { return nil }
        // The state after the directives is the one every later part starts in.
        let directives = split.directives
        guard let start = try? directives.withUnsafeBytes({ bytes throws(ZoneFileError) in
            try ZoneScanner.scanPart(input: .bytes(bytes), origin: origin, defaultTTL: defaultTTL, nameForErrors: path)
        }).endState, start.hasTTL else { return nil }
        let scanned = Parallel.map(split.starts.count) { index in
            try? ZoneScanner.scanPart(input: .bytes(split.part(index, of: file.bytes)), origin: origin,
                                      defaultTTL: defaultTTL, nameForErrors: path, start: index == 0 ? nil : start,
                                      roomForBytes: index == 0 ? file.bytes.count : nil)
        }
        var parts = scanned.compactMap { $0 }
        guard parts.count == split.starts.count, parts.allSatisfy({ $0.contents.records.count > 0 }) else { return nil }
        for (before, after) in zip(parts, parts.dropFirst()) where before.endState != after.firstRecordState {
            return nil
        }
        var skipped: [ZoneFileSkip] = []
        for (index, part) in parts.enumerated() where !part.contents.skipped.isEmpty {
            // A part counts its lines from 1; skips are rare, so the lines before it are counted only for them.
            let linesBefore = split.newlines(before: split.starts[index], in: file.bytes)
            skipped += part.contents.skipped.map {
                ZoneFileSkip(file: $0.file, line: $0.line + linesBefore, owner: $0.owner, type: $0.type, reason: $0.reason)
            }
        }
        var pieces = parts.map(\.contents.records)
        parts = []
        let records = Self.joined(&pieces)
        return ZoneFileContents(origin: origin, records: records, skipped: skipped)
    }

    /// The pieces' records in the first piece's array, which has room for them all (see `scanPart`), moved
    /// rather than copied: a copy would retain every record's names and the pieces' release then
    /// release them all again, a million atomic operations each way. The other pieces are left holding
    /// a record without references in each place.
    private static func joined(_ pieces: inout [[ResourceRecord]]) -> [ResourceRecord] {
        var records = pieces[0]
        pieces[0] = []
        let filler = ResourceRecord(name: .root, ttl: 0, data: .other(RecordType(rawValue: 0), ""))
        for index in pieces.indices.dropFirst() {
            let start = records.count, count = pieces[index].count
            records.append(contentsOf: repeatElement(filler, count: count))
            records.withUnsafeMutableBufferPointer { all in
                pieces[index].withUnsafeMutableBufferPointer { piece in
                    guard let source = piece.baseAddress else { return }
                    (all.baseAddress! + start).moveUpdate(from: source, count: count)
                    piece.initialize(repeating: filler)
                }
            }
        }
        return records
    }
}
