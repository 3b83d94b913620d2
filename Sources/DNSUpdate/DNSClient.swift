import CLDNS
import DNSModel

#if canImport(Glibc)
import Glibc
#endif

/// The answer to a query sent straight to an authoritative server.
public struct QueryResponse: Sendable {
    public var rcode: ResponseCode
    public var authoritative: Bool
    public var answer: [ResourceRecord]
    public var authority: [ResourceRecord]
}

/// Talks to one DNS server (the zone's primary) with ldns: queries, RFC 2136 updates and AXFR, all
/// TSIG-signed when a key is given. Blocking and not thread-safe: give each user its own client and
/// keep its calls off shared async executors.
public final class DNSClient {
    public let server: ServerEndpoint
    public let key: TSIGKey?
    /// Seconds to wait for each UDP try and for the TCP attempt.
    public let timeout: Double
    /// UDP tries before the one attempt over TCP.
    public let udpTries: Int
    /// Recursion desired: only for finding a primary through a recursive resolver.
    let recursive: Bool
    private let address: IPAddress
    private var resolvers: [Bool: LDNSResolver] = [:]

    public init(server: ServerEndpoint, key: TSIGKey?, timeout: Double = 1.0, udpTries: Int = 2,
                recursive: Bool = false) throws {
        self.server = server
        self.key = key
        self.timeout = timeout
        self.udpTries = max(1, udpTries)
        self.recursive = recursive
        self.address = try Self.resolve(server)
    }

    // MARK: Queries

    public func query(_ name: DNSName, _ type: RecordType) throws -> QueryResponse {
        guard let owner = LDNSConvert.dname(name) else { throw DNSError.invalidInput("cannot encode \(name)") }
        // ldns_pkt_query_new takes ownership of the owner rdf.
        guard let packet = ldns_pkt_query_new(owner, ldns_rr_type(rawValue: UInt32(type.rawValue)),
                                              LDNS_RR_CLASS_IN, 0) else {
            throw DNSError.invalidInput("cannot build a query for \(name) \(type)")
        }
        let query = LDNSPacket(taking: packet)
        ldns_pkt_set_random_id(query.pointer)
        ldns_pkt_set_rd(query.pointer, recursive)
        let reply = try exchange(query, doing: "querying \(name) \(type)")
        return QueryResponse(rcode: reply.rcode, authoritative: reply.isAuthoritative,
                             answer: reply.answer, authority: reply.authority)
    }

    /// The records of exactly this name and type that the server holds; none for NXDOMAIN or NODATA.
    public func records(_ name: DNSName, _ type: RecordType) throws -> [ResourceRecord] {
        let response = try query(name, type)
        switch response.rcode {
        case .noError, .nxDomain:
            return response.answer.filter { $0.name == name && $0.type == type }
        default:
            throw DNSError.serverError(rcode: response.rcode, server: server, doing: "querying \(name) \(type)")
        }
    }

    /// The zone that holds `name` on this server, found from the SOA in the answer or the authority
    /// section, walking up one label at a time where the server has no answer.
    public func zone(containing name: DNSName) throws -> (zone: DNSName, soa: StartOfAuthority) {
        for candidate in name.selfAndAncestors {
            let response = try query(candidate, .soa)
            guard response.rcode == .noError || response.rcode == .nxDomain else { continue }
            for record in response.answer + response.authority {
                if case .soa(let soa) = record.data, name.isSubdomain(of: record.name) {
                    return (record.name, soa)
                }
            }
        }
        throw DNSError.noZone(name: name, server: server)
    }

    // MARK: Updates

    /// Sends one UPDATE message and returns once the server has applied it; a failed prerequisite,
    /// a refusal or a TSIG error comes back as the matching DNSError.
    public func send(_ plan: UpdatePlan) throws {
        if let stray = plan.names.first(where: { !$0.isSubdomain(of: plan.zone) }) {
            throw DNSError.invalidInput("\(stray) is not in zone \(plan.zone)")
        }
        let prerequisites = LDNSRecordList()
        for prerequisite in plan.prerequisites { try LDNSUpdateEncoding.append(prerequisite, to: prerequisites) }
        let updates = LDNSRecordList()
        for operation in plan.operations { try LDNSUpdateEncoding.append(operation, to: updates) }
        guard let zone = LDNSConvert.dname(plan.zone) else { throw DNSError.invalidInput("cannot encode \(plan.zone)") }
        // Takes ownership of the zone rdf and copies the lists.
        guard let packet = ldns_update_pkt_new(zone, LDNS_RR_CLASS_IN, prerequisites.pointer, updates.pointer, nil) else {
            throw DNSError.invalidInput("cannot build an update of \(plan.zone)")
        }
        let message = LDNSPacket(taking: packet)
        ldns_pkt_set_random_id(message.pointer)
        ldns_pkt_set_rd(message.pointer, false)
        let reply = try exchange(message, doing: "updating zone \(plan.zone)")
        switch reply.rcode {
        case .noError: return
        // RFC 2136 gives NOTAUTH to a server that is not authoritative; Knot also answers it to a
        // client or key that its ACL does not allow. Either way: not this server, or not this client.
        case .refused, .notAuth: throw DNSError.refused(zone: plan.zone, server: server, key: key?.name)
        case let rcode where rcode.isPrerequisiteFailure: throw DNSError.prerequisiteFailed(rcode: rcode, zone: plan.zone)
        case let rcode: throw DNSError.serverError(rcode: rcode, server: server, doing: "updating zone \(plan.zone)")
        }
    }

    // MARK: Transport

    /// UDP with bounded tries, then one attempt over TCP; TSIG failures mapped before the rcode.
    private func exchange(_ message: LDNSPacket, doing: String) throws -> LDNSPacket {
        let overUDP = try resolver(overTCP: false).exchange(message)
        if let reply = overUDP.reply { return try checked(reply, status: overUDP.status) }
        let overTCP = try resolver(overTCP: true).exchange(message)
        if let reply = overTCP.reply { return try checked(reply, status: overTCP.status) }
        // ldns marks a nameserver that did not answer as down and never asks it again: a long-lived
        // client (the agent) must start afresh, so that the server is asked again once it is back.
        resolvers.removeAll()
        throw DNSError.unreachable(server: server, detail: "no answer over UDP (\(udpTries) × \(Self.seconds(timeout))), "
            + "nor over TCP (\(Self.plain(overTCP.status)))")
    }

    private func checked(_ reply: LDNSPacket, status: ldns_status) throws -> LDNSPacket {
        if let key {
            switch reply.tsigError.flatMap(TSIGErrorCode.init(rawValue:)) {
            case .badSignature: throw DNSError.badSignature(key: key.name, server: server)
            case .badKey: throw DNSError.unknownKey(key: key.name, server: server)
            case .badTime: throw DNSError.clockSkew(key: key.name, server: server)
            case .badTruncation, nil: break
            }
        }
        if status == LDNS_STATUS_CRYPTO_TSIG_BOGUS || status == LDNS_STATUS_CRYPTO_TSIG_ERR {
            // An unsigned refusal is still a refusal; anything else must verify to be believed.
            if reply.rcode == .refused || reply.rcode == .notAuth { return reply }
            throw DNSError.unverifiedReply(server: server)
        }
        return reply
    }

    func resolver(overTCP: Bool) throws -> LDNSResolver {
        if let existing = resolvers[overTCP] { return existing }
        let made = try LDNSResolver(address: address, port: server.port, key: key, timeout: timeout,
                                    tries: overTCP ? 1 : udpTries, overTCP: overTCP)
        resolvers[overTCP] = made
        return made
    }

    func transferResolver() throws -> LDNSResolver {
        try LDNSResolver(address: address, port: server.port, key: key, timeout: timeout, tries: 1, overTCP: true)
    }

    private static func plain(_ status: ldns_status) -> String {
        switch status {
        case LDNS_STATUS_RES_NO_NS, LDNS_STATUS_NETWORK_ERR, LDNS_STATUS_SOCKET_ERROR:
            "connection refused or timed out"
        default:
            LDNSConvert.statusText(status)
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// An address as is; a host name through the system's resolver (getaddrinfo).
    static func resolve(_ server: ServerEndpoint) throws -> IPAddress {
        if let literal = try? IPAddress(server.host) { return literal }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(server.host, nil, &hints, &results)
        guard code == 0, let first = results else {
            throw DNSError.unreachable(server: server, detail: "cannot resolve the host name \(server.host)")
        }
        defer { freeaddrinfo(results) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let found = address(of: entry.pointee) { return found }
            cursor = entry.pointee.ai_next
        }
        throw DNSError.unreachable(server: server, detail: "the host name \(server.host) has no address")
    }

    private static func address(of entry: addrinfo) -> IPAddress? {
        guard let socketAddress = entry.ai_addr else { return nil }
        switch entry.ai_family {
        case AF_INET:
            return socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                withUnsafeBytes(of: $0.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
            }
        case AF_INET6:
            return socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                withUnsafeBytes(of: $0.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
            }
        default:
            return nil
        }
    }
}
