/// Input that cannot be a DNS name, an address, a record or a key.
public enum DNSModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidName(String, reason: String)
    case invalidAddress(String)
    case invalidRecord(String, reason: String)
    case invalidKey(String)

    public var description: String {
        switch self {
        case .invalidName(let text, let reason): "\"\(text)\" is not a valid DNS name: \(reason)"
        case .invalidAddress(let text): "\"\(text)\" is not an IPv4 or IPv6 address"
        case .invalidRecord(let text, let reason): "cannot read the record \"\(text)\": \(reason)"
        case .invalidKey(let reason): reason
        }
    }
}
