import DNSModel

/// The heartbeat networks in `pair.nodes`: each node may list its address on every network
/// (`heartbeat = ["192.0.2.11", "198.51.100.11"]`), and network i joins the i-th address of each.
extension ConfigLoader {
    /// A node's heartbeat addresses, or nil when it lists none (then its `address` carries them).
    static func heartbeatAddresses(_ document: some ConfigSource, _ key: String) throws(ConfigError) -> [IPAddress]? {
        guard let texts = try document.strings(key) else { return nil }
        guard !texts.isEmpty else { throw document.error(key, "must list at least one address (leave it out to use address)") }
        var addresses: [IPAddress] = []
        for text in texts {
            let address: IPAddress
            do { address = try IPAddress(text) } catch { throw document.error(key, "\(error)") }
            if addresses.contains(address) { throw document.error(key, "lists \(address) twice") }
            addresses.append(address)
        }
        return addresses
    }

    /// Both nodes must pair their addresses one to one: as many on each, no address on both, and
    /// one family per network (an IPv4 socket cannot reach an IPv6 peer).
    static func checkHeartbeatNetworks(_ document: some ConfigSource, _ nodes: [NodeSettings]) throws(ConfigError) {
        let (first, second) = (nodes[0], nodes[1])
        let key = "pair.nodes.1.heartbeat"
        guard first.heartbeat.count == second.heartbeat.count else {
            func addresses(_ node: NodeSettings) -> String {
                "\(node.heartbeat.count) heartbeat address\(node.heartbeat.count == 1 ? "" : "es")"
            }
            throw document.error(key, "\(second.name) has \(addresses(second)) and \(first.name) \(addresses(first)): "
                + "both must list one address per network, network i joining the i-th address of each")
        }
        if let shared = second.heartbeat.first(where: first.heartbeat.contains) {
            throw document.error(key, "\(shared) is a heartbeat address of both nodes")
        }
        for network in HeartbeatNetwork.between(first, and: second) where network.local.family != network.peer.family {
            throw document.error(key, "network \(network.index) joins \(network.local) (\(first.name)) and \(network.peer) "
                + "(\(second.name)): the two addresses of one network must be of one family")
        }
    }
}
