import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Two hosts on two subnets with no common Layer 2, joined by a router namespace: the cloud case
/// that DNS-only mode serves. The first host sits on 198.51.100.0/24, the second on 203.0.113.0/24;
/// the router holds .1 on both and forwards. Nothing is created in the root namespace.
public struct RoutedLab: Sendable {
    public struct Host: Sendable {
        public let namespace: String
        public let address: String
        /// The router's address on this host's subnet.
        public let gateway: String
    }

    public let routerNamespace: String
    public let hosts: [String: Host]

    public subscript(role: String) -> Host { hosts[role]! }

    static let subnets = ["198.51.100", "203.0.113"]

    /// Builds the lab for exactly two roles (host n gets .(10+n) on its subnet), runs `body`, and removes
    /// every namespace it made, also when `body` or the setup throws.
    public static func with<T: Sendable>(roles: [String], _ body: (RoutedLab) async throws -> T) async throws -> T {
        precondition(roles.count == subnets.count, "a routed lab joins exactly two hosts")
        let prefix = labPrefix("dfr")
        return try await NamespaceScope.with { namespaces in
            let router = prefix + "rt"
            try await namespaces.add(router)
            try await NetworkLab.ip(["-n", router, "link", "set", "lo", "up"])
            _ = try await runProcess("ip", ["netns", "exec", router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"], timeout: 10)
            var hosts: [String: Host] = [:]
            for (number, role) in roles.enumerated() {
                let namespace = prefix + role
                try await namespaces.add(namespace)
                let subnet = subnets[number]
                let host = Host(namespace: namespace, address: "\(subnet).\(10 + number)", gateway: "\(subnet).1")
                let port = "r\(number)"
                try await NetworkLab.ip(["-n", router, "link", "add", port, "type", "veth", "peer", "name", "eth1", "netns", namespace])
                try await NetworkLab.ip(["-n", router, "addr", "add", host.gateway + "/24", "dev", port])
                try await NetworkLab.ip(["-n", router, "link", "set", port, "up"])
                for command in [["link", "set", "lo", "up"], ["link", "set", "eth1", "up"],
                                ["addr", "add", host.address + "/24", "dev", "eth1"],
                                ["route", "add", "default", "via", host.gateway]] {
                    try await NetworkLab.ip(["-n", namespace] + command)
                }
                hosts[role] = host
            }
            return try await body(RoutedLab(routerNamespace: router, hosts: hosts))
        }
    }
}
