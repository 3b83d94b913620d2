import DNSModel

/// A zone file that cannot be read: a syntax error, a file that cannot be opened.
public struct ZoneFileError: Error, Equatable, CustomStringConvertible {
    /// The file as it was named to the reader (or the included file, for an error inside a `$INCLUDE`),
    /// or the `nameForErrors` of text input.
    public let file: String
    /// The 1-based line of the error; 0 when the error concerns the whole file (it cannot be opened).
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`, or `FILE: message` when no line applies.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// A record that the scanner read correctly but that dnsfix cannot hold as a `ResourceRecord`: its owner
/// or a name in its data has a character `DNSName` rejects (a space, a `/` as in RFC 2317 classless
/// delegations, an escaped dot as in an SOA mailbox `john\.doe`, a byte outside ASCII), or its data is
/// malformed (an A record given as `\# 3 …`).
public struct ZoneFileSkip: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    /// The line on which the record ends.
    public let line: Int
    /// The owner in presentation form, with RFC 1035 escapes (`\.`, `\032`) where needed.
    public let owner: String
    public let type: RecordType
    public let reason: String

    public init(file: String, line: Int, owner: String, type: RecordType, reason: String) {
        self.file = file
        self.line = line
        self.owner = owner
        self.type = type
        self.reason = reason
    }

    public var description: String { "\(file):\(line): skipped \(owner) \(type): \(reason)" }
}

/// What a zone file holds, in file order.
public struct ZoneFileContents: Sendable {
    /// The origin the file was read with (a `$ORIGIN` inside the file does not change it).
    public let origin: DNSName
    public let records: [ResourceRecord]
    /// Records that could not be represented; the audit should report them, not ignore them.
    public let skipped: [ZoneFileSkip]

    public init(origin: DNSName, records: [ResourceRecord], skipped: [ZoneFileSkip]) {
        self.origin = origin
        self.records = records
        self.skipped = skipped
    }
}

/// Reads master zone files (RFC 1035 §5, with BIND's `$TTL`) through libzscanner.
///
/// - Names come out absolute and lower-cased; relative names and `@` are completed with the current
///   `$ORIGIN`, as in any master file.
/// - A, AAAA, NS, CNAME, PTR, TXT and SOA are decoded into their `RecordData` cases. Every other type is
///   `.other(type, "\# LEN HEX")`: the RFC 3597 generic form with LEN in decimal and the rdata as one
///   upper-case hex token, or `\# 0` for empty rdata. A TXT record whose strings are not valid UTF-8
///   also comes out in that generic form, so that no byte is lost.
/// - TTLs follow BIND (`named-checkzone`): a record without a TTL takes the `$TTL` in force; before any
///   `$TTL` it takes the last TTL written on an earlier record (RFC 1035), and an SOA without one takes
///   its MINIMUM field. Where BIND would reject the zone for want of any TTL, `defaultTTL` applies.
///   (An explicit TTL of exactly 4294967295 before any `$TTL` is taken as "no TTL".)
/// - `$INCLUDE` is followed (relative to the including file's directory; for text input, to the current
///   directory); errors inside an included file name that file and its line.
/// - Records that cannot become a `ResourceRecord` go to `skipped` with their line and the reason; the
///   first syntax error stops the read.
/// - A file of twice `ZoneFileSplit.minimumPartBytes` or more is read in parts, one core each, when that
///   reads exactly what the whole file reads (see `ZoneFileSplit`); otherwise, and for text, in one pass.
/// - libzscanner's own limits are syntax errors here: classes other than IN (only IN is read), CRLF line
///   ends ("unsupported CRLF newline"), raw non-ASCII bytes in names (write them as `\DDD`).
public enum ZoneFileReader {
    /// Reads a master zone file with libzscanner; origin and default TTL as `named-checkzone` would take them.
    public static func read(path: String, origin: DNSName, defaultTTL: UInt32 = 3600) throws(ZoneFileError)
        -> ZoneFileContents {
        if let contents = readInParts(path: path, origin: origin, defaultTTL: defaultTTL) { return contents }
        return try ZoneScanner.scan(input: .file(path), origin: origin, defaultTTL: defaultTTL, nameForErrors: path)
    }

    /// Reads zone text as if it were a file named `nameForErrors`.
    public static func read(text: String, origin: DNSName, defaultTTL: UInt32 = 3600,
                            nameForErrors: String = "<text>") throws(ZoneFileError) -> ZoneFileContents {
        try ZoneScanner.scan(input: .text(text), origin: origin, defaultTTL: defaultTTL, nameForErrors: nameForErrors)
    }
}
