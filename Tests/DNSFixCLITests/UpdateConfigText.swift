import TestSupport

/// The dnsfix config that `dnsfix update --config` reads in VIP mode: the pair's nodes, the VIP and
/// `[dns]` at the test's server. `dnsExtra`: more lines in `[dns]`.
func vipPairConfig(nodes: [(name: String, address: String)] = [("node-a", "192.0.2.11"), ("node-b", "192.0.2.12")],
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
