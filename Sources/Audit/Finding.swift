import DNSModel

/// How much a finding matters: notes are often intended and never fail a run.
public enum Severity: String, Sendable, Comparable, Codable, CaseIterable {
    case note, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The kinds of finding, with codes that stay stable for scripts and allow-lists.
public enum FindingCode: String, Sendable, Codable, CaseIterable {
    /// One address under several names.
    case duplicateAddress = "duplicate-address"
    /// The VIP under a name other than the shared one (a node's own name, most often).
    case vipUnderOtherName = "vip-under-other-name"
    /// The shared name has an address that is not the VIP (VIP mode) or not a node's (DNS-only).
    case sharedNameWrongAddress = "shared-name-wrong-address"
    /// The shared name lacks a VIP, or has no address at all.
    case sharedNameMissingAddress = "shared-name-missing-address"
    /// DNS-only mode: the shared name points at both nodes.
    case sharedNameSeveralNodes = "shared-name-several-nodes"
    /// The VIP's PTR names something other than the shared name.
    case vipPointerWrong = "vip-ptr-wrong"
    /// One address whose PTR names several names.
    case ptrSeveralNames = "ptr-several-names"
    /// A PTR whose name does not resolve back to the address (forward-confirmed reverse DNS fails).
    case ptrNotConfirmed = "ptr-not-confirmed"
    /// An A or AAAA without a PTR, where the reverse zone was audited.
    case ptrMissing = "ptr-missing"
    /// A CNAME beside other data at the same name.
    case cnameWithOtherData = "cname-with-other-data"
    /// A CNAME to a name that does not exist in the audited zones.
    case cnameDangling = "cname-dangling"
    /// Records of one RRset with different TTLs.
    case ttlMismatch = "ttl-mismatch"
    /// A record for a name outside the zone of its file.
    case outOfZone = "out-of-zone"
}

/// One thing wrong (or worth a look), with the records involved and what to do.
public struct Finding: Sendable, Equatable {
    public var code: FindingCode
    public var severity: Severity
    /// The address the finding is about, when there is one: the report groups by it.
    public var address: IPAddress?
    public var records: [ResourceRecord]
    /// One line: what is wrong and what to do.
    public var message: String
    /// The records a repair deletes, each guarded by its RRset as the audit saw it.
    public var stale: [ResourceRecord]
    /// The records a repair adds in their place (the VIP's PTR to the shared name).
    public var missing: [ResourceRecord]

    public init(code: FindingCode, severity: Severity, address: IPAddress? = nil, records: [ResourceRecord],
                message: String, stale: [ResourceRecord] = [], missing: [ResourceRecord] = []) {
        self.code = code
        self.severity = severity
        self.address = address
        self.records = records
        self.message = message
        self.stale = stale
        self.missing = missing
    }

    public var isRepairable: Bool { !stale.isEmpty || !missing.isEmpty }
}

/// The findings of one audit, worst first, grouped by address.
public struct AuditReport: Sendable {
    public var findings: [Finding]
    public var recordCount: Int
    public var zoneCount: Int

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// Notes are often intended (virtual hosting, round robin): only warnings and errors fail a run.
    public var isClean: Bool { !findings.contains { $0.severity > .note } }
}
