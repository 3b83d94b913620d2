import DNSModel

/// Why a DNS exchange failed, in words an operator can act on. Never carries a TSIG secret.
public enum DNSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server refused the update (REFUSED; Knot says NOTAUTH): this key or this client address
    /// may not change the zone.
    case refused(zone: DNSName, server: ServerEndpoint, key: DNSName?)
    /// The server does not accept the key's signature (TSIG BADSIG): the secret differs.
    case badSignature(key: DNSName, server: ServerEndpoint)
    /// The server does not know the key's name or algorithm (TSIG BADKEY).
    case unknownKey(key: DNSName, server: ServerEndpoint)
    /// The clocks differ by more than the fudge (TSIG BADTIME).
    case clockSkew(key: DNSName, server: ServerEndpoint)
    /// A reply whose TSIG did not verify under our key: it cannot be trusted.
    case unverifiedReply(server: ServerEndpoint)
    /// An RFC 2136 prerequisite failed: someone else changed the record since it was read.
    case prerequisiteFailed(rcode: ResponseCode, zone: DNSName)
    /// No answer over UDP after the retries, nor over TCP.
    case unreachable(server: ServerEndpoint, detail: String)
    /// Any other failure rcode (SERVFAIL, FORMERR, NOTIMP, NOTZONE).
    case serverError(rcode: ResponseCode, server: ServerEndpoint, doing: String)
    /// No zone on the server contains the name.
    case noZone(name: DNSName, server: ServerEndpoint)
    /// A zone transfer that did not finish, or ended with an error.
    case transferFailed(zone: DNSName, server: ServerEndpoint, detail: String)
    /// The server accepted the update, but does not hold what was asked.
    case notApplied(zone: DNSName, detail: String)
    /// Bad input caught before anything was sent.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .refused(let zone, let server, let key):
            let who = key.map { "the key \($0)" } ?? "unsigned updates from this address"
            return "\(server) refused the update of zone \(zone): \(who) may not update it "
                + "(check allow-update / update-policy on the server, and that it is the zone's primary)"
        case .badSignature(let key, let server):
            return "\(server) rejected the TSIG signature of key \(key) (BADSIG): the secret is wrong"
        case .unknownKey(let key, let server):
            return "\(server) does not know the TSIG key \(key) (BADKEY): check the key name and algorithm"
        case .clockSkew(let key, let server):
            return "\(server) rejected key \(key) because the clocks differ (BADTIME): fix the time on this host or the server"
        case .unverifiedReply(let server):
            return "the reply from \(server) failed TSIG verification: it may be forged or the key is wrong"
        case .prerequisiteFailed(let rcode, let zone):
            return "the prerequisite failed in zone \(zone) (\(rcode)): someone else changed the record; nothing was changed"
        case .unreachable(let server, let detail):
            return "DNS server \(server) is unreachable: \(detail)"
        case .serverError(let rcode, let server, let doing):
            return "\(server) answered \(rcode) while \(doing)"
        case .noZone(let name, let server):
            return "\(server) serves no zone that contains \(name)"
        case .transferFailed(let zone, let server, let detail):
            return "zone transfer of \(zone) from \(server) failed: \(detail)"
        case .notApplied(let zone, let detail):
            return "the update of zone \(zone) was accepted but did not take effect: \(detail)"
        case .invalidInput(let message):
            return message
        }
    }
}

/// A DNS response code, with the names RFC 1035 and RFC 2136 give them.
public struct ResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let noError = ResponseCode(rawValue: 0)
    public static let formatError = ResponseCode(rawValue: 1)
    public static let serverFailure = ResponseCode(rawValue: 2)
    public static let nxDomain = ResponseCode(rawValue: 3)
    public static let notImplemented = ResponseCode(rawValue: 4)
    public static let refused = ResponseCode(rawValue: 5)
    public static let yxDomain = ResponseCode(rawValue: 6)
    public static let yxRRset = ResponseCode(rawValue: 7)
    public static let nxRRset = ResponseCode(rawValue: 8)
    public static let notAuth = ResponseCode(rawValue: 9)
    public static let notZone = ResponseCode(rawValue: 10)

    public var description: String {
        let names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                     "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"]
        return names.indices.contains(rawValue) ? names[rawValue] : "RCODE\(rawValue)"
    }

    /// The rcodes by which a server says a prerequisite did not hold.
    public var isPrerequisiteFailure: Bool { [.yxDomain, .yxRRset, .nxRRset, .nxDomain].contains(self) }
}

/// TSIG error codes (RFC 8945 §5.3.2) that a reply can carry.
enum TSIGErrorCode: UInt16 {
    case badSignature = 16
    case badKey = 17
    case badTime = 18
    case badTruncation = 22
}
