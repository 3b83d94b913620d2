import CLDNS
import DNSModel

#if canImport(Glibc)
import Glibc
#endif

/// Owns one ldns packet and frees it.
final class LDNSPacket {
    let pointer: UnsafeMutablePointer<ldns_pkt>

    init(taking pointer: UnsafeMutablePointer<ldns_pkt>) {
        self.pointer = pointer
    }

    deinit { ldns_pkt_free(pointer) }

    var rcode: ResponseCode { ResponseCode(rawValue: Int(ldns_pkt_get_rcode(pointer).rawValue)) }

    var isAuthoritative: Bool { ldns_pkt_aa(pointer) }

    /// The error field of the reply's TSIG record, when it has one and it is not zero.
    var tsigError: UInt16? {
        guard let tsig = ldns_pkt_tsig(pointer), ldns_rr_rd_count(tsig) > 5,
              let field = ldns_rr_rdf(tsig, 5) else { return nil }
        let code = ldns_rdf2native_int16(field)
        return code == 0 ? nil : code
    }

    var answer: [ResourceRecord] { LDNSConvert.records(in: ldns_pkt_answer(pointer)) }
    var authority: [ResourceRecord] { LDNSConvert.records(in: ldns_pkt_authority(pointer)) }
}

/// Owns an ldns record list and every record in it.
final class LDNSRecordList {
    let pointer: UnsafeMutablePointer<ldns_rr_list>

    init() { pointer = ldns_rr_list_new() }

    deinit { ldns_rr_list_deep_free(pointer) }

    /// Takes ownership of the record.
    func append(_ record: UnsafeMutablePointer<ldns_rr>) {
        _ = ldns_rr_list_push_rr(pointer, record)
    }
}

/// Owns one ldns resolver, set up to talk to one server, never recursively.
final class LDNSResolver {
    let pointer: UnsafeMutablePointer<ldns_resolver>

    init(address: IPAddress, port: UInt16, key: TSIGKey?, timeout: Double, tries: Int, overTCP: Bool,
         recursive: Bool = false) throws {
        guard let resolver = ldns_resolver_new() else { throw DNSError.invalidInput("out of memory") }
        pointer = resolver
        let rdfType = address.family == .v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA
        guard let rdf = ldns_rdf_new_frm_str(rdfType, address.description) else {
            throw DNSError.invalidInput("cannot use \(address) as a server address")
        }
        defer { ldns_rdf_deep_free(rdf) }
        ldns_resolver_push_nameserver(resolver, rdf)
        ldns_resolver_set_port(resolver, port)
        ldns_resolver_set_recursive(resolver, recursive)
        ldns_resolver_set_random(resolver, false)
        ldns_resolver_set_fallback(resolver, true)
        ldns_resolver_set_usevc(resolver, overTCP)
        ldns_resolver_set_retry(resolver, UInt8(clamping: tries))
        ldns_resolver_set_retrans(resolver, 0)
        let seconds = Int(timeout)
        let micros = Int((timeout - Double(seconds)) * 1_000_000)
        ldns_resolver_set_timeout(resolver, timeval(tv_sec: seconds, tv_usec: micros))
        if let key {
            ldns_resolver_set_tsig_keyname(resolver, key.name.description)
            ldns_resolver_set_tsig_algorithm(resolver, key.algorithm.rawValue + ".")
            ldns_resolver_set_tsig_keydata(resolver, key.secret)
        }
    }

    deinit { ldns_resolver_deep_free(pointer) }

    var hasKey: Bool { ldns_resolver_tsig_keyname(pointer) != nil }

    /// Signs the packet with the resolver's key, if any, sends it, and verifies the reply's TSIG.
    func exchange(_ query: LDNSPacket) -> (status: ldns_status, reply: LDNSPacket?) {
        if hasKey {
            // A retry over TCP signs again: the old signature would otherwise be signed with the message.
            if let previous = ldns_pkt_tsig(query.pointer) {
                ldns_pkt_set_tsig(query.pointer, nil)
                ldns_rr_free(previous)
            }
            let signed = ldns_update_pkt_tsig_add(query.pointer, pointer)
            if signed != LDNS_STATUS_OK { return (signed, nil) }
        }
        var reply: UnsafeMutablePointer<ldns_pkt>?
        let status = ldns_send(&reply, pointer, query.pointer)
        return (status, reply.map(LDNSPacket.init(taking:)))
    }
}

/// Conversions between DNSModel values and ldns structures.
enum LDNSConvert {
    static func string(_ rdf: UnsafePointer<ldns_rdf>) -> String {
        guard let text = ldns_rdf2str(rdf) else { return "" }
        defer { free(text) }
        return String(cString: text)
    }

    static func dname(_ name: DNSName) -> UnsafeMutablePointer<ldns_rdf>? {
        ldns_dname_new_frm_str(name.description)
    }

    /// A record with data, of class IN, or with the class and TTL that RFC 2136 gives it in a section.
    static func record(_ record: ResourceRecord, rrClass: ldns_rr_class = LDNS_RR_CLASS_IN,
                       ttl: UInt32? = nil) throws -> UnsafeMutablePointer<ldns_rr> {
        var made: UnsafeMutablePointer<ldns_rr>?
        let text = "\(record.name) \(ttl ?? record.ttl) IN \(record.type) \(record.data)"
        let status = ldns_rr_new_frm_str(&made, text, 0, nil, nil)
        guard status == LDNS_STATUS_OK, let made else {
            throw DNSError.invalidInput("cannot encode the record \"\(record)\": \(statusText(status))")
        }
        ldns_rr_set_class(made, rrClass)
        if let ttl { ldns_rr_set_ttl(made, ttl) }
        return made
    }

    /// A record without data (RFC 2136 "RRset exists", "delete RRset" and their kin): ldns cannot parse
    /// these from text, so they are built field by field.
    static func emptyRecord(name: DNSName, type: RecordType, rrClass: ldns_rr_class) throws -> UnsafeMutablePointer<ldns_rr> {
        guard let made = ldns_rr_new() else { throw DNSError.invalidInput("out of memory") }
        guard let owner = dname(name) else {
            ldns_rr_free(made)
            throw DNSError.invalidInput("cannot encode the name \(name)")
        }
        ldns_rr_set_owner(made, owner)
        ldns_rr_set_type(made, ldns_rr_type(rawValue: UInt32(type.rawValue)))
        ldns_rr_set_class(made, rrClass)
        ldns_rr_set_ttl(made, 0)
        ldns_rr_set_question(made, false)
        return made
    }

    static func records(in list: UnsafeMutablePointer<ldns_rr_list>?) -> [ResourceRecord] {
        guard let list else { return [] }
        return (0..<ldns_rr_list_rr_count(list)).compactMap { index in
            ldns_rr_list_rr(list, index).flatMap(record(from:))
        }
    }

    /// A record of class IN in DNSModel terms; nil for other classes and for names DNSName cannot hold.
    static func record(from rr: UnsafeMutablePointer<ldns_rr>) -> ResourceRecord? {
        guard ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN,
              let ownerRDF = ldns_rr_owner(rr),
              let owner = try? DNSName(string(ownerRDF)) else { return nil }
        let type = RecordType(rawValue: UInt16(truncatingIfNeeded: ldns_rr_get_type(rr).rawValue))
        let fields = (0..<ldns_rr_rd_count(rr)).compactMap { ldns_rr_rdf(rr, $0) }
        guard let data = recordData(type: type, fields: fields) else { return nil }
        return ResourceRecord(name: owner, ttl: ldns_rr_ttl(rr), data: data)
    }

    private static func recordData(type: RecordType, fields: [UnsafeMutablePointer<ldns_rdf>]) -> RecordData? {
        let texts = { fields.map { string($0) } }
        switch type {
        case .a, .aaaa:
            return fields.first.flatMap { try? IPAddress(string($0)) }.map(RecordData.address)
        case .ptr, .cname, .ns:
            guard let target = fields.first.flatMap({ try? DNSName(string($0)) }) else { return nil }
            return type == .ptr ? .ptr(target) : type == .cname ? .cname(target) : .ns(target)
        case .txt:
            return .txt(fields.map(characterString))
        case .soa:
            let values = texts()
            guard values.count == 7, let primary = try? DNSName(values[0]),
                  let responsible = try? DNSName(values[1]) else { return nil }
            let numbers = values[2...].compactMap { UInt32($0) }
            guard numbers.count == 5 else { return nil }
            return .soa(StartOfAuthority(primary: primary, responsible: responsible, serial: numbers[0],
                                         refresh: numbers[1], retry: numbers[2], expire: numbers[3],
                                         minimum: numbers[4]))
        default:
            return .other(type, texts().joined(separator: " "))
        }
    }

    /// The bytes of a length-prefixed character-string, as text.
    private static func characterString(_ rdf: UnsafeMutablePointer<ldns_rdf>) -> String {
        let size = ldns_rdf_size(rdf)
        guard size > 1, let data = ldns_rdf_data(rdf) else { return "" }
        let bytes = UnsafeBufferPointer(start: data + 1, count: min(Int(data[0]), size - 1))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func statusText(_ status: ldns_status) -> String {
        guard let text = ldns_get_errorstr_by_id(status) else { return "ldns status \(status.rawValue)" }
        return String(cString: text)
    }
}
