import DNSModel

/// Receives each record from the scanner in wire form and turns it into DNSModel values.
///
/// Pure Swift: the scanner file hands it buffers that are only valid during the call.
final class RecordCollector {
    let origin: DNSName
    let defaultTTL: UInt32
    let nameForErrors: String

    // Unchecked: the collector is confined to its scanner's thread, and a dynamic check per record costs.
    @exclusivity(unchecked) private(set) var records: [ResourceRecord] = []
    private(set) var skipped: [ZoneFileSkip] = []
    /// The first error; the scanner stops on it.
    private(set) var error: ZoneFileError?
    /// The scanner's state at the first record, for the parts of a split file.
    var firstRecordState: ScannerState?

    /// The TTL last written on a record while no `$TTL` was in force (RFC 1035 semantics).
    private var lastExplicitTTL: UInt32?
    /// The previous owner, in wire form and decoded: consecutive records usually share it.
    @exclusivity(unchecked) private var previousOwnerWire: [UInt8] = []
    @exclusivity(unchecked) private var previousOwner: DNSName?

    init(origin: DNSName, defaultTTL: UInt32, nameForErrors: String) {
        self.origin = origin
        self.defaultTTL = defaultTTL
        self.nameForErrors = nameForErrors
    }

    /// Reserves room for the records of a zone text of `bytes` bytes, so that a large zone does not
    /// copy its records at each doubling. A record rarely takes fewer than 24 bytes of zone text; room
    /// the zone does not fill costs address space only, since untouched pages are never mapped.
    func reserve(forBytes bytes: Int) {
        records.reserveCapacity(bytes / 24)
    }

    func result() -> ZoneFileContents {
        ZoneFileContents(origin: origin, records: records, skipped: skipped)
    }

    func fileName(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? nameForErrors
    }

    func fail(file: UnsafePointer<CChar>?, line: Int, message: String) {
        if error == nil { error = ZoneFileError(file: fileName(file), line: line, message: message) }
    }

    /// One record as the scanner read it.
    /// - Parameters:
    ///   - ttl: the record's TTL, or nil when it has none and no `$TTL` is in force.
    ///   - tracksLastTTL: true while no `$TTL` is in force, so that a written TTL carries over.
    func add(owner ownerWire: UnsafeRawBufferPointer, type rawType: UInt16, class rawClass: UInt16,
             ttl: UInt32?, tracksLastTTL: Bool, rdata: UnsafeRawBufferPointer,
             line: Int, file: UnsafePointer<CChar>?) {
        let type = RecordType(rawValue: rawType)
        func skip(_ reason: String) {
            skipped.append(ZoneFileSkip(file: fileName(file), line: line,
                                        owner: WireNameDecoder.presentation(ownerWire), type: type, reason: reason))
        }
        guard rawClass == 1 else {
            // libzscanner itself rejects other classes as syntax errors; this only guards the assumption.
            skip("class \(WireNameDecoder.className(rawClass)) is not IN")
            return
        }
        guard let owner = ownerName(ownerWire) else {
            skip("the owner cannot be a DNS name here (only letters, digits, \"-\", \"_\" and \"*\" can)")
            return
        }
        let data: RecordData
        do {
            data = try decode(type: type, rdata: rdata)
        } catch {
            skip(error.reason)
            return
        }

        let recordTTL: UInt32
        if let ttl {
            recordTTL = ttl
            if tracksLastTTL { lastExplicitTTL = ttl }
        } else if let last = lastExplicitTTL {
            recordTTL = last
        } else if case .soa(let soa) = data {
            // BIND: "no TTL specified; using SOA MINTTL instead", and later records follow it.
            recordTTL = soa.minimum
            lastExplicitTTL = soa.minimum
        } else {
            recordTTL = defaultTTL
        }
        records.append(ResourceRecord(name: owner, ttl: recordTTL, data: data))
    }

    private func ownerName(_ wire: UnsafeRawBufferPointer) -> DNSName? {
        if let previousOwner, previousOwnerWire.count == wire.count,
           previousOwnerWire.withUnsafeBytes({ $0.elementsEqual(wire) }) {
            return previousOwner
        }
        var offset = 0
        guard let name = try? WireNameDecoder.name(in: wire, at: &offset), offset == wire.count else { return nil }
        previousOwnerWire.removeAll(keepingCapacity: true)
        previousOwnerWire.append(contentsOf: wire)
        previousOwner = name
        return name
    }

    private func decode(type: RecordType, rdata: UnsafeRawBufferPointer) throws(RDataProblem) -> RecordData {
        switch type {
        case .a, .aaaa:
            guard rdata.count == (type == .a ? 4 : 16), let address = IPAddress(bytes: rdata) else {
                throw .malformed(type)
            }
            return .address(address)
        case .ptr, .cname, .ns:
            var offset = 0
            let name = try rdataName(rdata, at: &offset, type: type, field: "target")
            guard offset == rdata.count else { throw .malformed(type) }
            switch type {
            case .ptr: return .ptr(name)
            case .cname: return .cname(name)
            default: return .ns(name)
            }
        case .txt:
            if let strings = try characterStrings(rdata) { return .txt(strings) }
            return .other(type, WireNameDecoder.generic(rdata))
        case .soa:
            var offset = 0
            let primary = try rdataName(rdata, at: &offset, type: type, field: "primary server")
            let responsible = try rdataName(rdata, at: &offset, type: type, field: "mailbox")
            guard rdata.count - offset == 20 else { throw .malformed(type) }
            func number(_ index: Int) -> UInt32 {
                var value: UInt32 = 0
                for byte in rdata[(offset + 4 * index)..<(offset + 4 * index + 4)] { value = value << 8 | UInt32(byte) }
                return value
            }
            return .soa(StartOfAuthority(primary: primary, responsible: responsible, serial: number(0),
                                         refresh: number(1), retry: number(2), expire: number(3), minimum: number(4)))
        default:
            return .other(type, WireNameDecoder.generic(rdata))
        }
    }

    private func rdataName(_ rdata: UnsafeRawBufferPointer, at offset: inout Int, type: RecordType,
                           field: String) throws(RDataProblem) -> DNSName {
        let start = offset
        do {
            return try WireNameDecoder.name(in: rdata, at: &offset)
        } catch {
            switch error {
            case .malformed:
                throw .malformed(type)
            case .unrepresentable:
                let text = WireNameDecoder.presentation(UnsafeRawBufferPointer(rebasing: rdata[start...]))
                throw .unrepresentableName(type, field: field, presentation: text)
            }
        }
    }

    /// The character-strings of a TXT record, or nil when one of them is not valid UTF-8.
    private func characterStrings(_ rdata: UnsafeRawBufferPointer) throws(RDataProblem) -> [String]? {
        var strings: [String] = []
        var offset = 0
        while offset < rdata.count {
            let length = Int(rdata[offset])
            guard offset + 1 + length <= rdata.count else { throw .malformed(.txt) }
            let bytes = UnsafeRawBufferPointer(rebasing: rdata[(offset + 1)..<(offset + 1 + length)])
            // String(validating:as:) would need macOS 15; decoding and comparing works everywhere.
            let string = String(decoding: bytes, as: UTF8.self)
            guard bytes.allSatisfy({ $0 < 0x80 }) || string.utf8.elementsEqual(bytes) else { return nil }
            strings.append(string)
            offset += 1 + length
        }
        guard !strings.isEmpty else { throw .malformed(.txt) }
        return strings
    }
}

enum RDataProblem: Error {
    case malformed(RecordType)
    case unrepresentableName(RecordType, field: String, presentation: String)

    var reason: String {
        switch self {
        case .malformed(let type): "the \(type) data is malformed"
        case .unrepresentableName(let type, let field, let text):
            "the \(type) \(field) \(text) cannot be a DNS name here (only letters, digits, \"-\", \"_\" and \"*\" can)"
        }
    }
}

enum WireNameProblem: Error {
    /// The wire form is cut short or has a compression pointer (the scanner never writes one).
    case malformed
    /// A valid name with a byte that `DNSName` does not accept.
    case unrepresentable
}

/// Wire-form names into `DNSName`: one hop per label to find the name's end, then one pass over the
/// bytes that checks, lower-cases and copies them into the name's one String; a 500,000-record file
/// reads about five times faster than through `DNSName(text)`.
enum WireNameDecoder {
    /// Each byte as it goes into a name's text: ASCII letters lower-cased; digits, "-", "_" and "*"
    /// unchanged; 0 for a byte that `DNSName` does not accept in a label.
    private static let textByte: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte | 0x20
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "*"):
            return byte
        default: return 0
        }
    }

    /// Decodes the name that starts at `offset` and moves `offset` past it.
    static func name(in wire: UnsafeRawBufferPointer, at offset: inout Int) throws(WireNameProblem) -> DNSName {
        let start = offset
        var index = start
        while true {
            guard index < wire.count else { throw .malformed }
            let length = Int(wire[index])
            if length == 0 { break }
            guard length <= 63, index + 1 + length <= wire.count else { throw .malformed }
            index += 1 + length
        }
        offset = index + 1
        // Each label's bytes and its dot: the wire form without the root's zero byte.
        let textLength = index - start
        if textLength == 0 { return .root }
        if textLength == 73, let (high, low) = ip6ReverseWords(wire, from: start) {
            return DNSName(ip6ReverseHigh: high, low: low)
        }
        var representable = true
        let text = Self.textByte.withUnsafeBufferPointer { textByte in
            String(unsafeUninitializedCapacity: textLength) { output in
                var position = start
                while position < index {
                    let length = Int(wire[position])
                    for label in 0..<length {
                        let byte = textByte[Int(wire[position + 1 + label])]
                        if byte == 0 { representable = false }
                        output[position - start + label] = byte
                    }
                    output[position - start + length] = UInt8(ascii: ".")
                    position += 1 + length
                }
                return textLength
            }
        }
        guard representable else { throw .unrepresentable }
        // The wire form already bounds labels to 63 bytes and names to 255.
        return DNSName(validatedText: text)
    }

    /// The address of a whole-address ip6.arpa name (32 one-nibble labels, then "ip6" and "arpa", in
    /// any case) that starts at `start`, which `DNSName` holds as the address, without making its text.
    private static func ip6ReverseWords(_ wire: UnsafeRawBufferPointer, from start: Int) -> (high: UInt64, low: UInt64)? {
        textByte.withUnsafeBufferPointer { textByte in
            guard let (high, low) = DNSName.ip6ReverseNibbles(wire, from: start, nibbleFirst: false, separator: 1) else { return nil }
            // "\\003ip6\\004arpa": the length bytes as they are, the letters lower-cased.
            let suffix = start + 64
            guard wire[suffix] == 3, wire[suffix + 4] == 4,
                  textByte[Int(wire[suffix + 1])] == UInt8(ascii: "i"), textByte[Int(wire[suffix + 2])] == UInt8(ascii: "p"),
                  textByte[Int(wire[suffix + 3])] == UInt8(ascii: "6"), textByte[Int(wire[suffix + 5])] == UInt8(ascii: "a"),
                  textByte[Int(wire[suffix + 6])] == UInt8(ascii: "r"), textByte[Int(wire[suffix + 7])] == UInt8(ascii: "p"),
                  textByte[Int(wire[suffix + 8])] == UInt8(ascii: "a") else { return nil }
            return (high, low)
        }
    }

    /// A wire name (possibly followed by other data) in presentation form with RFC 1035 escapes, for messages.
    static func presentation(_ wire: UnsafeRawBufferPointer) -> String {
        var text = ""
        var index = 0
        while index < wire.count {
            let length = Int(wire[index])
            if length == 0 { break }
            guard length <= 63, index + 1 + length <= wire.count else { return text + "<malformed>" }
            for byte in wire[(index + 1)...(index + length)] {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "("),
                     UInt8(ascii: ")"), UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "$"):
                    text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7e:
                    text.unicodeScalars.append(UnicodeScalar(byte))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            text += "."
            index += 1 + length
        }
        return text.isEmpty ? "." : text
    }

    /// RFC 3597 generic rdata: `\# LEN HEX`, the hex as one upper-case token (`\# 0` when empty).
    static func generic(_ rdata: UnsafeRawBufferPointer) -> String {
        let prefix = "\\# \(rdata.count)"
        guard !rdata.isEmpty else { return prefix }
        let digits: StaticString = "0123456789ABCDEF"
        let hex = String(unsafeUninitializedCapacity: rdata.count * 2) { output in
            digits.withUTF8Buffer { digits in
                for (index, byte) in rdata.enumerated() {
                    output[2 * index] = digits[Int(byte >> 4)]
                    output[2 * index + 1] = digits[Int(byte & 0x0f)]
                }
            }
            return rdata.count * 2
        }
        return prefix + " " + hex
    }

    static func className(_ code: UInt16) -> String {
        switch code {
        case 3: "CH"
        case 4: "HS"
        case 254: "NONE"
        case 255: "ANY"
        default: "CLASS\(code)"
        }
    }
}
