import DNSModel

/// The whole config file, read the same by both nodes of the pair.
public struct DNSFixConfig: Sendable, Equatable {
    /// The file it was read from, for errors found after loading.
    public var source: String
    public var pair: PairSettings
    /// Absent: DNS-only mode.
    public var vip: VIPSettings?
    /// Absent: a VIP-only pair.
    public var dns: DNSSettings?
    public var scripts: ScriptSettings
    public var health: HealthSettings
    /// Names that may share an address on purpose (virtual hosts): `dnsfix audit` leaves them alone.
    public var auditAllow: [DNSName]

    /// The node with this name, if the pair has one.
    public func node(named name: String) -> NodeSettings? {
        pair.nodes.first { $0.name == name }
    }

    /// This node, found by `--node` when given, else by the host name (its first label, as
    /// `hostname -s` prints it). Both nodes read the same file, so this is how each finds itself.
    public func localNode(hostname: String, override: String?) throws(ConfigError) -> NodeSettings {
        let name = override ?? String(hostname.split(separator: ".").first ?? "")
        guard let found = node(named: name) else {
            let names = pair.nodes.map(\.name).joined(separator: ", ")
            let how = override == nil ? "this host (\(name)) is" : "--node \(name) is"
            throw ConfigError(file: source, line: nil, key: "pair.nodes",
                              message: "\(how) not a node of pair \(pair.name) (\(names)): give --node")
        }
        return found
    }

    /// The other node of the pair.
    public func peer(of node: NodeSettings) -> NodeSettings {
        pair.nodes.first { $0.name != node.name }!
    }
}

public struct NodeSettings: Sendable, Equatable {
    public var name: String
    public var address: IPAddress
    /// This node's address on each heartbeat network, in network order: network i joins the i-th
    /// address of each node. Default: the node's address alone.
    public var heartbeat: [IPAddress]
}

public struct HeartbeatSettings: Sendable, Equatable {
    public var interval: Duration
    public var deadAfter: Int
    public var keyFile: String?
    /// The UDP port both nodes send heartbeats to and listen on.
    public var port: UInt16
}

public struct PairSettings: Sendable, Equatable {
    public var name: String
    public var nodes: [NodeSettings]
    public var heartbeat: HeartbeatSettings
    /// Names the preferred node, never a boolean: a copied config cannot make both prefer themselves.
    public var preference: String?
    public var failbackDelay: Duration
    /// How long a starting node listens for its peer before it acts alone.
    public var startupWait: Duration

    /// How long a node waits without a heartbeat before it calls its peer dead.
    public var deadTime: Duration { heartbeat.interval * heartbeat.deadAfter }
}

public struct TopologyHint: Sendable, Equatable {
    public var subnet: String
    public var interface: String
    public var cidrmask: Int?
}

public struct VIPSettings: Sendable, Equatable {
    public var addresses: [IPAddress]
    public var topology: [TopologyHint]
    public var announceCount: Int
    public var announceInterval: Duration
}

public struct DNSSettings: Sendable, Equatable {
    /// Absent: the primary named by the zone's SOA.
    public var server: ServerEndpoint?
    /// Absent: found by walking up to the SOA.
    public var zone: DNSName?
    /// The shared name that belongs to the pair.
    public var name: DNSName
    public var ttl: UInt32
    public var keyFile: String?
    public var ptr: Bool
    public var arbiter: Bool
    /// How long an active node that has lost its peer keeps the VIP without confirming at the DNS
    /// server that it still owns the pair: the bound on overlap after a partition.
    public var fence: Duration
    /// How often the active node re-registers its records, repairing drift at the server.
    public var reconcile: Duration
}

public struct ScriptSettings: Sendable, Equatable {
    public var directory: String?
    public var timeout: Duration
}

public struct HealthSettings: Sendable, Equatable {
    public var listen: String
    /// Empty: the node's own address.
    public var host: String
    public var port: UInt16
}

/// Every default of the config file, in one place.
public enum ConfigDefaults {
    public static let heartbeatInterval: Duration = .milliseconds(100)
    public static let heartbeatPort: UInt16 = 9011
    public static let controlSocket = "/run/dnsfix/control.sock"
    public static let deadAfter = 3
    public static let failbackDelay: Duration = .seconds(30)
    /// Long enough to hear a peer that starts at the same time, several heartbeats over.
    public static func startupWait(deadTime: Duration) -> Duration { max(.seconds(1), deadTime * 2) }
    public static let fence: Duration = .seconds(2)
    public static let reconcile: Duration = .seconds(30)
    public static let announceCount = 5
    public static let announceInterval: Duration = .seconds(1)
    /// Low, so that resolvers follow a DNS-only failover quickly.
    public static let ttl: UInt32 = 30
    public static let ptr = true
    public static let arbiter = true
    public static let scriptTimeout: Duration = .seconds(30)
    /// The node's own address (the host part left empty), port 9010.
    public static let healthListen = ":9010"
}
