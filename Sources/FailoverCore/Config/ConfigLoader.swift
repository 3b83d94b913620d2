import DNSModel

/// Reads and validates a config file's text into a DNSFixConfig.
public enum ConfigLoader {
    /// The source's file names the file in errors and anchors relative paths (key files, scripts).
    public static func load(_ document: some ConfigSource) throws(ConfigError) -> DNSFixConfig {
        let file = document.file
        let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        func path(_ value: String?) -> String? {
            guard let value, !value.hasPrefix("/") else { return value }
            return "\(directory)/\(value)"
        }

        let pair = try readPair(document, path: path)
        let vip = try document.hasTable("vip") ? readVIP(document, pair: pair) : nil
        let dns = try document.hasTable("dns") ? readDNS(document, path: path) : nil
        if vip == nil && dns == nil {
            throw ConfigError(file: file, line: nil, key: nil,
                              message: "the config needs [vip], [dns] or both: there is nothing to manage")
        }
        let scripts = ScriptSettings(directory: path(try document.string("scripts.directory")),
                                     timeout: try duration(document, "scripts.timeout") ?? ConfigDefaults.scriptTimeout)
        let listen = try document.string("health.listen") ?? ConfigDefaults.healthListen
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw document.error("health.listen", "\"\(listen)\" is not HOST:PORT (\":9010\" is this node's own address)")
        }
        let health = HealthSettings(listen: listen, host: String(listen[..<colon]).filter { $0 != "[" && $0 != "]" }, port: port)
        var auditAllow: [DNSName] = []
        for text in try document.strings("audit.allow") ?? [] {
            do { auditAllow.append(try DNSName(text)) } catch { throw document.error("audit.allow", "\(error)") }
        }
        if let unknown = document.unknownKeys().first {
            throw document.error(unknown, "unknown key (misspelt?)")
        }
        return DNSFixConfig(source: file, pair: pair, vip: vip, dns: dns, scripts: scripts, health: health, auditAllow: auditAllow)
    }

    private static func readPair(_ document: some ConfigSource, path: (String?) -> String?) throws(ConfigError) -> PairSettings {
        guard let name = try document.string("pair.name") else {
            throw document.error("pair.name", "is required: the name of the pair")
        }
        let count = try document.tableCount("pair.nodes") ?? 0
        guard count == 2 else {
            throw document.error("pair.nodes", "must list exactly two nodes, each { name = \"…\", address = \"…\" }")
        }
        var nodes: [NodeSettings] = []
        for index in 0..<count {
            let key = "pair.nodes.\(index)"
            guard let nodeName = try document.string("\(key).name"), !nodeName.isEmpty else {
                throw document.error("\(key).name", "is required")
            }
            let address = try address(document, "\(key).address", required: true)!
            nodes.append(NodeSettings(name: nodeName, address: address,
                                      heartbeat: try heartbeatAddresses(document, "\(key).heartbeat") ?? [address]))
        }
        if nodes[0].name == nodes[1].name { throw document.error("pair.nodes", "the two nodes have the same name") }
        if nodes[0].address == nodes[1].address { throw document.error("pair.nodes", "the two nodes have the same address") }
        try checkHeartbeatNetworks(document, nodes)

        let interval = try duration(document, "pair.heartbeat.interval") ?? ConfigDefaults.heartbeatInterval
        if interval <= .zero { throw document.error("pair.heartbeat.interval", "must be longer than zero") }
        let deadAfter = try document.integer("pair.heartbeat.dead_after") ?? ConfigDefaults.deadAfter
        if deadAfter < 2 { throw document.error("pair.heartbeat.dead_after", "must be at least 2 intervals") }
        let port = try document.integer("pair.heartbeat.port") ?? Int(ConfigDefaults.heartbeatPort)
        guard (1...65_535).contains(port) else { throw document.error("pair.heartbeat.port", "must be a UDP port, 1 to 65535") }
        let heartbeat = HeartbeatSettings(interval: interval, deadAfter: deadAfter,
                                          keyFile: path(try document.string("pair.heartbeat.key_file")),
                                          port: UInt16(port))

        let preference = try document.string("pair.preference")
        if let preference, !nodes.contains(where: { $0.name == preference }) {
            throw document.error("pair.preference", "names \"\(preference)\", which is not a node of the pair "
                + "(\(nodes.map(\.name).joined(separator: ", ")))")
        }
        let failbackDelay = try duration(document, "pair.failback_delay") ?? ConfigDefaults.failbackDelay
        let startupWait = try duration(document, "pair.startup_wait")
            ?? ConfigDefaults.startupWait(deadTime: interval * deadAfter)
        return PairSettings(name: name, nodes: nodes, heartbeat: heartbeat, preference: preference,
                            failbackDelay: failbackDelay, startupWait: startupWait)
    }

    private static func readVIP(_ document: some ConfigSource, pair: PairSettings) throws(ConfigError) -> VIPSettings {
        let texts = try document.strings("vip.addresses") ?? []
        guard !texts.isEmpty else { throw document.error("vip.addresses", "must name the service address") }
        var addresses: [IPAddress] = []
        for text in texts {
            do { addresses.append(try IPAddress(text)) } catch { throw document.error("vip.addresses", "\(error)") }
        }
        if let clash = pair.nodes.first(where: { addresses.contains($0.address) }) {
            throw document.error("vip.addresses", "\(clash.address) is node \(clash.name)'s own address; the VIP must be another")
        }
        var topology: [TopologyHint] = []
        for index in 0..<(try document.tableCount("vip.topology") ?? 0) {
            let key = "vip.topology.\(index)"
            guard let subnet = try document.string("\(key).subnet") else { throw document.error("\(key).subnet", "is required") }
            guard let interface = try document.string("\(key).interface") else {
                throw document.error("\(key).interface", "is required")
            }
            topology.append(TopologyHint(subnet: subnet, interface: interface, cidrmask: try document.integer("\(key).cidrmask")))
        }
        let count = try document.integer("vip.arp.count") ?? ConfigDefaults.announceCount
        if count < 0 { throw document.error("vip.arp.count", "must not be negative") }
        return VIPSettings(addresses: addresses, topology: topology, announceCount: count,
                           announceInterval: try duration(document, "vip.arp.interval") ?? ConfigDefaults.announceInterval)
    }

    private static func readDNS(_ document: some ConfigSource, path: (String?) -> String?) throws(ConfigError) -> DNSSettings {
        var server: ServerEndpoint?
        if let text = try document.string("dns.server") {
            do { server = try ServerEndpoint(parsing: text) } catch { throw document.error("dns.server", "\(error)") }
        }
        let zone = try name(document, "dns.zone")
        guard let shared = try name(document, "dns.name") else {
            throw document.error("dns.name", "is required: the shared name that belongs to the pair")
        }
        if let zone, !shared.isSubdomain(of: zone) {
            throw document.error("dns.name", "\(shared) is not in zone \(zone)")
        }
        let ttl = try document.integer("dns.ttl") ?? Int(ConfigDefaults.ttl)
        guard (0...604_800).contains(ttl) else { throw document.error("dns.ttl", "must be between 0 and 604800 seconds") }
        let fence = try duration(document, "dns.fence") ?? ConfigDefaults.fence
        if fence <= .zero { throw document.error("dns.fence", "must be longer than zero") }
        let reconcile = try duration(document, "dns.reconcile") ?? ConfigDefaults.reconcile
        if reconcile < .seconds(1) { throw document.error("dns.reconcile", "must be at least 1s") }
        return DNSSettings(server: server, zone: zone, name: shared, ttl: UInt32(ttl),
                           keyFile: path(try document.string("dns.key_file")),
                           ptr: try document.bool("dns.ptr") ?? ConfigDefaults.ptr,
                           arbiter: try document.bool("dns.arbiter") ?? ConfigDefaults.arbiter,
                           fence: fence, reconcile: reconcile)
    }

    private static func duration(_ document: some ConfigSource, _ key: String) throws(ConfigError) -> Duration? {
        guard let text = try document.string(key) else { return nil }
        guard let value = ConfigDuration.parse(text) else {
            throw document.error(key, "\"\(text)\" is not a duration (write e.g. \"100ms\", \"30s\", \"2m\")")
        }
        return value
    }

    private static func name(_ document: some ConfigSource, _ key: String) throws(ConfigError) -> DNSName? {
        guard let text = try document.string(key) else { return nil }
        do { return try DNSName(text) } catch { throw document.error(key, "\(error)") }
    }

    private static func address(_ document: some ConfigSource, _ key: String, required: Bool) throws(ConfigError) -> IPAddress? {
        guard let text = try document.string(key) else {
            if required { throw document.error(key, "is required") }
            return nil
        }
        do { return try IPAddress(text) } catch { throw document.error(key, "\(error)") }
    }
}
