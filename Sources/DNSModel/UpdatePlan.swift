/// An RFC 2136 prerequisite (section 2.4).
public enum Prerequisite: Hashable, Sendable {
    /// The name owns at least one record (YXDOMAIN).
    case nameInUse(DNSName)
    /// The name owns no record (NXDOMAIN).
    case nameNotInUse(DNSName)
    /// An RRset of this type exists, whatever its value (YXRRSET, value-independent).
    case rrsetExists(DNSName, RecordType)
    /// The RRset of this name and type is exactly these data (YXRRSET, value-dependent); never empty.
    case rrsetEquals(DNSName, [RecordData])
    /// No RRset of this type exists at the name (NXRRSET).
    case rrsetDoesNotExist(DNSName, RecordType)
}

/// An RFC 2136 update (section 2.5).
public enum UpdateOperation: Hashable, Sendable {
    case add(ResourceRecord)
    /// Delete one record: name, type and data must match.
    case deleteRecord(DNSName, RecordData)
    case deleteRRset(DNSName, RecordType)
    /// Delete every RRset of the name (the zone apex keeps its SOA and NS, as the RFC says).
    case deleteName(DNSName)
}

/// One UPDATE message to one zone: the prerequisites that guard it and the changes it makes.
public struct UpdatePlan: Hashable, Sendable {
    public var zone: DNSName
    public var prerequisites: [Prerequisite]
    public var operations: [UpdateOperation]

    public init(zone: DNSName, prerequisites: [Prerequisite] = [], operations: [UpdateOperation] = []) {
        self.zone = zone
        self.prerequisites = prerequisites
        self.operations = operations
    }

    /// A plan with no change sends nothing: prerequisites alone would only test the server.
    public var isEmpty: Bool { operations.isEmpty }

    /// The names the plan touches, for checking that they all lie in its zone.
    public var names: [DNSName] {
        prerequisites.map(\.name) + operations.map(\.name)
    }

    /// The plan in the syntax `nsupdate` reads, ending with `send`.
    public func nsupdateScript(server: String? = nil) -> String {
        var lines: [String] = []
        if let server { lines.append("server \(server.replacingLastColonWithSpace())") }
        lines.append("zone \(zone)")
        lines += prerequisites.map(\.nsupdateLine)
        lines += operations.map(\.nsupdateLine)
        lines.append("send")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Prerequisite {
    public var name: DNSName {
        switch self {
        case .nameInUse(let name), .nameNotInUse(let name), .rrsetExists(let name, _),
             .rrsetEquals(let name, _), .rrsetDoesNotExist(let name, _): name
        }
    }

    var nsupdateLine: String {
        switch self {
        case .nameInUse(let name): "prereq yxdomain \(name)"
        case .nameNotInUse(let name): "prereq nxdomain \(name)"
        case .rrsetExists(let name, let type): "prereq yxrrset \(name) \(type)"
        case .rrsetDoesNotExist(let name, let type): "prereq nxrrset \(name) \(type)"
        case .rrsetEquals(let name, let data):
            data.map { "prereq yxrrset \(name) IN \($0.type) \($0)" }.joined(separator: "\n")
        }
    }
}

extension UpdateOperation {
    public var name: DNSName {
        switch self {
        case .add(let record): record.name
        case .deleteRecord(let name, _), .deleteRRset(let name, _), .deleteName(let name): name
        }
    }

    var nsupdateLine: String {
        switch self {
        case .add(let record): "update add \(record.name) \(record.ttl) IN \(record.type) \(record.data)"
        case .deleteRecord(let name, let data): "update delete \(name) IN \(data.type) \(data)"
        case .deleteRRset(let name, let type): "update delete \(name) IN \(type)"
        case .deleteName(let name): "update delete \(name)"
        }
    }
}

extension String {
    /// "127.0.0.1:5300" -> "127.0.0.1 5300", "[::1]:53" -> "::1 53": nsupdate's `server` takes two words.
    func replacingLastColonWithSpace() -> String {
        if hasPrefix("["), let close = firstIndex(of: "]") {
            let host = self[index(after: startIndex)..<close]
            let rest = self[index(after: close)...]
            return rest.hasPrefix(":") ? "\(host) \(rest.dropFirst())" : String(host)
        }
        guard filter({ $0 == ":" }).count == 1, let colon = lastIndex(of: ":") else { return self }
        return "\(self[..<colon]) \(self[index(after: colon)...])"
    }
}
