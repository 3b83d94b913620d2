import CLDNS
import DNSModel

extension DNSClient {
    /// The whole zone by AXFR over TCP, TSIG-signed when the client has a key. ldns 1.8.3 does not
    /// verify the TSIG of transfer replies, so completion and the last rcode are checked here instead.
    public func transfer(zone: DNSName) throws -> [ResourceRecord] {
        // A transfer keeps its state in the resolver: give it one of its own.
        let resolver = try transferResolver()
        guard let zoneName = LDNSConvert.dname(zone) else { throw DNSError.invalidInput("cannot encode \(zone)") }
        defer { ldns_rdf_deep_free(zoneName) }
        let started = ldns_axfr_start(resolver.pointer, zoneName, LDNS_RR_CLASS_IN)
        guard started == LDNS_STATUS_OK else {
            throw DNSError.unreachable(server: server, detail: "cannot start a zone transfer over TCP: "
                + LDNSConvert.statusText(started))
        }
        defer { if !ldns_axfr_complete(resolver.pointer) { ldns_axfr_abort(resolver.pointer) } }
        var records: [ResourceRecord] = []
        while let next = ldns_axfr_next(resolver.pointer) {
            defer { ldns_rr_free(next) }
            if let record = LDNSConvert.record(from: next) { records.append(record) }
        }
        guard ldns_axfr_complete(resolver.pointer) else {
            let rcode = ldns_axfr_last_pkt(resolver.pointer).map {
                ResponseCode(rawValue: Int(ldns_pkt_get_rcode($0).rawValue))
            }
            let detail: String
            switch rcode {
            case .some(.notAuth): detail = "NOTAUTH: the key is wrong or may not transfer this zone"
            case .some(.refused): detail = "REFUSED: this key or address may not transfer the zone (allow-transfer)"
            case .some(let code) where code != .noError: detail = "the server answered \(code)"
            default: detail = "the transfer ended before the closing SOA"
            }
            throw DNSError.transferFailed(zone: zone, server: server, detail: detail)
        }
        // AXFR closes with the SOA again.
        if records.count > 1, records.last?.type == .soa { records.removeLast() }
        return records
    }
}
