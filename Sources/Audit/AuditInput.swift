import DNSModel

/// One zone's records, as read by AXFR or from a master file.
public struct AuditZone: Sendable {
    public var origin: DNSName { didSet { digest = nil } }
    public var records: [ResourceRecord] { didSet { digest = nil } }
    /// Where the records came from ("AXFR from 127.0.0.1:5300", a file path), for messages.
    public var source: String
    /// Set by `prepare()`, and dropped when the records or the origin change.
    private(set) var digest: ZoneDigest?

    public init(origin: DNSName, records: [ResourceRecord], source: String) {
        self.origin = origin
        self.records = records
        self.source = source
    }

    /// Does now the part of the audit's work that concerns this zone alone, so that a reader of
    /// several zones can have it done for each zone while it reads the others. Optional: the
    /// audit does it for zones that were not prepared.
    public mutating func prepare() {
        if digest == nil { digest = ZoneDigest(self) }
    }
}

/// What the pair's config says, for pair-aware findings.
public struct PairFacts: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var address: IPAddress
        public init(name: String, address: IPAddress) {
            self.name = name
            self.address = address
        }
    }

    public var sharedName: DNSName
    /// Empty in DNS-only mode, where the shared name points at the active node's own address.
    public var vips: [IPAddress]
    public var nodes: [Node]

    public init(sharedName: DNSName, vips: [IPAddress], nodes: [Node]) {
        self.sharedName = sharedName
        self.vips = vips
        self.nodes = nodes
    }

    public var isDNSOnly: Bool { vips.isEmpty }

    func node(owning address: IPAddress) -> Node? { nodes.first { $0.address == address } }
}
