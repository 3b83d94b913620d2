// The only file that sees libzscanner. It owns the scanner, and maps every libzscanner failure to a
// ZoneFileError.
internal import CZoneScanner
import DNSModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Given to `zs_init` as the default TTL: a record that still carries it had no TTL while no `$TTL` was
/// in force, which lets the collector apply BIND's rules (last written TTL, SOA MINIMUM).
private let ttlNotGiven = UInt32.max

/// Byte offsets into `zs_scanner_t`. `r_data` (65,535 bytes) is too large for Swift to import as a tuple, so
/// it is reached by address: it follows `r_data_length` (a `uint32_t`) directly, being a byte array.
private let ownerOffset = MemoryLayout<zs_scanner_t>.offset(of: \.r_owner)!
private let rdataOffset = MemoryLayout<zs_scanner_t>.offset(of: \.r_data_length)! + MemoryLayout<UInt32>.size
private let rdataCapacity = 65_535
/// `buffer` (error context, comments) and `include_filename`, two more 65,535-byte arrays, follow
/// `buffer_length` in that order.
private let bufferOffset = MemoryLayout<zs_scanner_t>.offset(of: \.buffer_length)! + MemoryLayout<UInt32>.size
private let includeFilenameOffset = bufferOffset + 65_535

/// One libzscanner context, heap-allocated (it is about 200 KB) and released in `deinit`.
final class ZoneScanner {
    enum Input {
        case file(String)
        case text(String)
        /// Zone text that stays valid until the scan returns (a part of a mapped file).
        case bytes(UnsafeRawBufferPointer)
    }

    fileprivate let scanner: UnsafeMutablePointer<zs_scanner_t>
    private let collector: RecordCollector

    /// - Parameter start: the `$ORIGIN` and `$TTL` to start in, for a part of a split file; by default
    ///   the collector's origin and no `$TTL`.
    private init(collector: RecordCollector, start: ScannerState? = nil) throws(ZoneFileError) {
        precondition(rdataOffset + rdataCapacity <= MemoryLayout<zs_scanner_t>.size
                     && includeFilenameOffset + 65_535 <= MemoryLayout<zs_scanner_t>.offset(of: \.path)!,
                     "unexpected zs_scanner_t layout")
        self.collector = collector
        scanner = .allocate(capacity: 1)
        // zs_init clears the whole structure before anything can fail, so deinit may always call zs_deinit.
        let origin = start.map { $0.origin.withUnsafeBytes(WireNameDecoder.presentation) } ?? collector.origin.description
        let status = zs_init(scanner, origin, 1, start?.defaultTTL ?? ttlNotGiven)
        guard status == 0 else {
            let reason = Self.message(for: scanner.pointee.error.code)
            throw ZoneFileError(file: collector.nameForErrors, line: 0,
                                message: "cannot use the origin \(collector.origin): \(reason)")
        }
        zs_set_processing(scanner, recordCallback, errorCallback, Unmanaged.passUnretained(collector).toOpaque())
    }

    deinit {
        zs_deinit(scanner)
        scanner.deallocate()
    }

    static func scan(input: Input, origin: DNSName, defaultTTL: UInt32,
                     nameForErrors: String) throws(ZoneFileError) -> ZoneFileContents {
        try scanPart(input: input, origin: origin, defaultTTL: defaultTTL, nameForErrors: nameForErrors).contents
    }

    /// A scan with what a part of a split file needs besides the records: the scanner's state at its
    /// first record and at its end.
    /// - Parameter roomForBytes: for bytes input, the zone text to reserve record room for (by default
    ///   the input's); the first part of a split file reserves for the whole file, to take the others in.
    static func scanPart(input: Input, origin: DNSName, defaultTTL: UInt32, nameForErrors: String,
                         start: ScannerState? = nil, roomForBytes: Int? = nil) throws(ZoneFileError) -> ScannedPart {
        let collector = RecordCollector(origin: origin, defaultTTL: defaultTTL, nameForErrors: nameForErrors)
        let scanner = try ZoneScanner(collector: collector, start: start)
        switch input {
        case .file(let path):
            try scanner.parse(path: path)
        case .text(let text):
            try scanner.parse(text: text)
        case .bytes(let bytes):
            collector.reserve(forBytes: roomForBytes ?? bytes.count)
            try scanner.parse(bytes: bytes)
        }
        return ScannedPart(contents: collector.result(), firstRecordState: collector.firstRecordState,
                           endState: ScannerState(of: scanner.scanner))
    }

    private func parse(path: String) throws(ZoneFileError) {
        var status = stat()
        if stat(path, &status) == 0 { collector.reserve(forBytes: Int(status.st_size)) }
        guard zs_set_input_file(scanner, path) == 0 else {
            let reason = errno
            let message = switch scanner.pointee.error.code {
            case ZS_FILE_OPEN.rawValue: "cannot open the zone file: \(String(cString: strerror(reason)))"
            case ZS_FILE_INVALID.rawValue: "cannot read the zone file: it is not a regular file"
            default: "cannot read the zone file: \(Self.message(for: scanner.pointee.error.code))"
            }
            throw ZoneFileError(file: collector.nameForErrors, line: 0, message: message)
        }
        try parseAll()
    }

    private func parse(text: String) throws(ZoneFileError) {
        var text = text
        collector.reserve(forBytes: text.utf8.count)
        // The scanner keeps the pointer until zs_parse_all returns: stay inside withUTF8 until then.
        let result: Result<Void, ZoneFileError> = text.withUTF8 { bytes in
            Result { () throws(ZoneFileError) in try parse(bytes: UnsafeRawBufferPointer(bytes)) }
        }
        try result.get()
    }

    /// Parses bytes that stay valid until this returns.
    private func parse(bytes: UnsafeRawBufferPointer) throws(ZoneFileError) {
        let result: Result<Void, ZoneFileError> = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1) { empty in
            let base = bytes.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) } ?? UnsafePointer(empty.baseAddress!)
            guard zs_set_input_string(scanner, base, bytes.count) == 0 else {
                return .failure(ZoneFileError(file: collector.nameForErrors, line: 0,
                                              message: Self.message(for: scanner.pointee.error.code)))
            }
            return Result { () throws(ZoneFileError) in try parseAll() }
        }
        try result.get()
    }

    private func parseAll() throws(ZoneFileError) {
        let status = zs_parse_all(scanner)
        if let error = collector.error { throw error }
        if status != 0 {
            // An error the callback did not see (the scanner reports them all through it, so this is a guard).
            throw ZoneFileError(file: collector.fileName(scanner.pointee.file.name),
                                line: Int(scanner.pointee.line_counter), message: Self.errorMessage(of: scanner))
        }
    }

    /// libzscanner's text for an error code ("bad IPv4 address", "unclosed last multiline block").
    static func message(for code: Int32) -> String {
        guard let text = zs_strerror(code) else { return "zone scanner error \(code)" }
        return String(cString: text)
    }
}

private func collector(of scanner: UnsafeMutablePointer<zs_scanner_t>) -> RecordCollector {
    Unmanaged<RecordCollector>.fromOpaque(scanner.pointee.process.data!).takeUnretainedValue()
}

/// Called for each record, also for records of `$INCLUDE`d files (each with its own scanner).
private let recordCallback: @convention(c) (UnsafeMutablePointer<zs_scanner_t>?) -> Void = { scanner in
    guard let scanner else { return }
    if collector(of: scanner).firstRecordState == nil { collector(of: scanner).firstRecordState = ScannerState(of: scanner) }
    let base = UnsafeRawPointer(scanner)
    let inForce = scanner.pointee.default_ttl
    let ttl = scanner.pointee.r_ttl
    collector(of: scanner).add(
        owner: UnsafeRawBufferPointer(start: base + ownerOffset, count: Int(scanner.pointee.r_owner_length)),
        type: scanner.pointee.r_type,
        class: scanner.pointee.r_class,
        ttl: inForce == ttlNotGiven && ttl == ttlNotGiven ? nil : ttl,
        tracksLastTTL: inForce == ttlNotGiven,
        rdata: UnsafeRawBufferPointer(start: base + rdataOffset,
                                      count: min(Int(scanner.pointee.r_data_length), rdataCapacity)),
        line: Int(scanner.pointee.line_counter),
        file: scanner.pointee.file.name)
}

/// Called for each error; the first one stops the scan. An error inside an `$INCLUDE`d file arrives here
/// first from the included file's scanner (naming that file and line), then again from the including one.
private let errorCallback: @convention(c) (UnsafeMutablePointer<zs_scanner_t>?) -> Void = { scanner in
    guard let scanner else { return }
    collector(of: scanner).fail(file: scanner.pointee.file.name, line: Int(scanner.pointee.line_counter),
                                message: ZoneScanner.errorMessage(of: scanner))
    scanner.pointee.state = ZS_STATE_STOP
}

extension ZoneScanner {
    /// The scanner's current error in words: libzscanner's text, and what it was looking at.
    fileprivate static func errorMessage(of scanner: UnsafeMutablePointer<zs_scanner_t>) -> String {
        let base = UnsafeRawPointer(scanner)
        let code = scanner.pointee.error.code
        let message = Self.message(for: code)
        switch code {
        case ZS_FILE_OPEN.rawValue, ZS_FILE_INVALID.rawValue, ZS_FILE_ACCESS.rawValue, ZS_UNOPENED_INCLUDE.rawValue:
            // A failed $INCLUDE: name the file the scanner tried.
            let included = String(cString: (base + includeFilenameOffset).assumingMemoryBound(to: CChar.self))
            return included.isEmpty ? message : "$INCLUDE \(included): \(message)"
        case ZS_UNCLOSED_MULTILINE.rawValue:
            // Reported once the whole input is read, so the line is the one after the last.
            return message + " (a \"(\" is not closed before the end of the file)"
        default:
            // The rest of the line from where the scanner gave up, when there is any.
            let length = min(Int(scanner.pointee.buffer_length), 64)
            let rest = UnsafeRawBufferPointer(start: base + bufferOffset, count: length).prefix { $0 != 0 && $0 != 0x0a }
            let context = String(decoding: rest, as: UTF8.self).trimmingWhitespace()
            return context.isEmpty ? message : message + " near \"\(context)\""
        }
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// What a scan's later records depend on besides the previous owner: the `$ORIGIN` and the `$TTL` in
/// force. A part of a zone file that starts with a record's owner reads the same alone as within the
/// file when it starts in the state in which the part before it ends.
struct ScannerState: Equatable {
    var origin: [UInt8]
    /// `ttlNotGiven` while no `$TTL` is in force.
    var defaultTTL: UInt32

    fileprivate init(of scanner: UnsafeMutablePointer<zs_scanner_t>) {
        origin = withUnsafeBytes(of: &scanner.pointee.zone_origin) { Array($0.prefix(Int(scanner.pointee.zone_origin_length))) }
        defaultTTL = scanner.pointee.default_ttl
    }

    /// True when a `$TTL` is in force: otherwise a record without a TTL takes the last one written,
    /// which the scanner's state does not show.
    var hasTTL: Bool { defaultTTL != ttlNotGiven }
}

/// One part of a zone file, scanned.
struct ScannedPart {
    var contents: ZoneFileContents
    /// Nil when the part has no record.
    var firstRecordState: ScannerState?
    var endState: ScannerState
}
