/// A dnsfix config in VIP mode, as `dnsfix update --config` and the agent's DNS side read it: the
/// pair's nodes, the VIP on eth1 and `[dns]` at the test's server. `dnsExtra`: more lines in `[dns]`.
public func vipPairConfig(nodes: [(name: String, address: String)] = [("node-a", "192.0.2.11"), ("node-b", "192.0.2.12")],
                          vip: String, server: RunningDNSServer, name: String, dnsExtra: String = "") -> String {
    let list = nodes.map { "{ name = \"\($0.name)\", address = \"\($0.address)\" }" }.joined(separator: ", ")
    return """
        [pair]
        name = "app"
        nodes = [ \(list) ]
        [vip]
        addresses = ["\(vip)"]
        topology = [ { subnet = "192.0.2.0/24", interface = "eth1" } ]
        [dns]
        server = "\(server.endpoint)"
        zone = "example.test."
        name = "\(name)"
        key_file = "\(server.keyFile())"
        \(dnsExtra)
        """
}
