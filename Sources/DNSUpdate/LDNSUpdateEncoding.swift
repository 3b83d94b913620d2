import CLDNS
import DNSModel

/// RFC 2136 §2.4 and §2.5: how each prerequisite and update is spelt as a record, by class and TTL.
enum LDNSUpdateEncoding {
    /// Appends the prerequisite's records to the list, which owns each one as soon as it is made.
    static func append(_ prerequisite: Prerequisite, to list: LDNSRecordList) throws {
        switch prerequisite {
        case .nameInUse(let name):
            list.append(try LDNSConvert.emptyRecord(name: name, type: .any, rrClass: LDNS_RR_CLASS_ANY))
        case .nameNotInUse(let name):
            list.append(try LDNSConvert.emptyRecord(name: name, type: .any, rrClass: LDNS_RR_CLASS_NONE))
        case .rrsetExists(let name, let type):
            list.append(try LDNSConvert.emptyRecord(name: name, type: type, rrClass: LDNS_RR_CLASS_ANY))
        case .rrsetDoesNotExist(let name, let type):
            list.append(try LDNSConvert.emptyRecord(name: name, type: type, rrClass: LDNS_RR_CLASS_NONE))
        case .rrsetEquals(let name, let data):
            for value in data {
                list.append(try LDNSConvert.record(ResourceRecord(name: name, ttl: 0, data: value), ttl: 0))
            }
        }
    }

    static func append(_ operation: UpdateOperation, to list: LDNSRecordList) throws {
        list.append(try record(for: operation))
    }

    private static func record(for operation: UpdateOperation) throws -> UnsafeMutablePointer<ldns_rr> {
        switch operation {
        case .add(let record):
            return try LDNSConvert.record(record)
        case .deleteRecord(let name, let data):
            return try LDNSConvert.record(ResourceRecord(name: name, ttl: 0, data: data),
                                          rrClass: LDNS_RR_CLASS_NONE, ttl: 0)
        case .deleteRRset(let name, let type):
            return try LDNSConvert.emptyRecord(name: name, type: type, rrClass: LDNS_RR_CLASS_ANY)
        case .deleteName(let name):
            return try LDNSConvert.emptyRecord(name: name, type: .any, rrClass: LDNS_RR_CLASS_ANY)
        }
    }
}
