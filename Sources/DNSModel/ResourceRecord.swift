/// The start of authority of a zone, as the audit and zone discovery need it.
public struct StartOfAuthority: Hashable, Sendable {
    public var primary: DNSName
    public var responsible: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(primary: DNSName, responsible: DNSName, serial: UInt32,
                refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.primary = primary
        self.responsible = responsible
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

/// The data of one record: decoded for the types dnsfix reasons about, presentation text for the rest.
public enum RecordData: Hashable, Sendable, CustomStringConvertible {
    case address(IPAddress)
    case ptr(DNSName)
    case cname(DNSName)
    case ns(DNSName)
    case txt([String])
    /// Boxed: the SOA is the largest payload and one record per zone, and inline it would make every
    /// record 80 bytes instead of 56 (audits hold millions).
    indirect case soa(StartOfAuthority)
    /// Any other type, in presentation form (RFC 3597 `\# n hex` where nothing better is known).
    case other(RecordType, String)

    public var type: RecordType {
        switch self {
        case .address(let address): address.recordType
        case .ptr: .ptr
        case .cname: .cname
        case .ns: .ns
        case .txt: .txt
        case .soa: .soa
        case .other(let type, _): type
        }
    }

    /// Presentation form, as in a zone file or an nsupdate script.
    public var description: String {
        switch self {
        case .address(let address): address.description
        case .ptr(let name), .cname(let name), .ns(let name): name.description
        case .txt(let strings): strings.map(RecordData.quoted).joined(separator: " ")
        case .soa(let soa):
            "\(soa.primary) \(soa.responsible) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .other(_, let text): text
        }
    }

    static func quoted(_ string: String) -> String {
        var escaped = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"", "\\": escaped += "\\\(scalar)"
            case _ where scalar.value < 0x20 || scalar.value > 0x7e:
                for byte in String(scalar).utf8 { escaped += "\\" + String(repeating: "0", count: byte < 100 ? (byte < 10 ? 2 : 1) : 0) + String(byte) }
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}

/// One resource record of class IN.
public struct ResourceRecord: Hashable, Sendable, CustomStringConvertible {
    public var name: DNSName
    public var ttl: UInt32
    public var data: RecordData

    public init(name: DNSName, ttl: UInt32, data: RecordData) {
        self.name = name
        self.ttl = ttl
        self.data = data
    }

    public var type: RecordType { data.type }

    /// Zone-file form: `name ttl IN TYPE data`.
    public var description: String { "\(name) \(ttl) IN \(type) \(data)" }
}
