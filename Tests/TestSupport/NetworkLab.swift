import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Network namespaces for tests and benchmarks: a switch namespace with a bridge, and hosts, each
/// with an `eth1` whose veth peer sits on the bridge. With a second network, a second bridge and an
/// `eth2` on each host. Nothing is created in the root namespace. Addresses are from the
/// documentation ranges only.
public struct NetworkLab: Sendable {
    /// A host's namespace and the addresses on its eth1.
    public struct Host: Sendable {
        public let namespace: String
        public let ipv4: String
        public let ipv6: String
        public let interface = "eth1"
        /// The host's IPv4 address on each network: eth1 on 192.0.2.0/24, eth2 on 198.51.100.0/24.
        public let networkIPv4: [String]
        /// The host's veth port on each network's bridge, in the switch namespace: set it down to cut
        /// the host off that network.
        public let switchPorts: [String]
    }

    public let switchNamespace: String
    public let hosts: [String: Host]

    public subscript(role: String) -> Host { hosts[role]! }

    /// True when the process may create namespaces (root, in practice).
    public static var canRun: Bool { geteuid() == 0 }

    /// The IPv4 subnet of each network the lab can build, in order.
    public static let networkPrefixes = ["192.0.2", "198.51.100"]

    /// Builds the lab with one host per role (host n gets 192.0.2.(10+n)/24 and 2001:db8::(10+n)/64 on
    /// eth1, and with `networks: 2` also 198.51.100.(10+n)/24 on eth2), runs `body`, and removes every
    /// namespace it made, also when `body` or the setup throws.
    public static func with<T: Sendable>(roles: [String], networks: Int = 1,
                                         _ body: (NetworkLab) async throws -> T) async throws -> T {
        precondition((1...networkPrefixes.count).contains(networks), "the lab has one or two networks")
        let prefix = labPrefix("dfx")
        return try await NamespaceScope.with { namespaces in
            let switchName = prefix + "sw"
            try await namespaces.add(switchName)
            for network in 0..<networks {
                try await ip(["-n", switchName, "link", "add", "br\(network)", "type", "bridge", "mcast_snooping", "0"])
                try await ip(["-n", switchName, "link", "set", "br\(network)", "up"])
            }
            var hosts: [String: Host] = [:]
            for (number, role) in roles.enumerated() {
                let namespace = prefix + role
                try await namespaces.add(namespace)
                let ports = (0..<networks).map { $0 == 0 ? "p\(number)" : "p\(number)n\($0)" }
                let addresses = networkPrefixes.prefix(networks).map { "\($0).\(10 + number)" }
                let host = Host(namespace: namespace, ipv4: addresses[0], ipv6: "2001:db8::\(10 + number)",
                                networkIPv4: addresses, switchPorts: ports)
                try await ip(["-n", namespace, "link", "set", "lo", "up"])
                for network in 0..<networks {
                    let interface = "eth\(network + 1)"
                    try await ip(["-n", switchName, "link", "add", ports[network], "type", "veth", "peer", "name", interface,
                                  "netns", namespace])
                    try await ip(["-n", switchName, "link", "set", ports[network], "master", "br\(network)", "up"])
                    try await ip(["-n", namespace, "link", "set", interface, "up"])
                    try await ip(["-n", namespace, "addr", "add", addresses[network] + "/24", "dev", interface])
                }
                try await ip(["-n", namespace, "addr", "add", host.ipv6 + "/64", "dev", "eth1", "nodad"])
                hosts[role] = host
            }
            return try await body(NetworkLab(switchNamespace: switchName, hosts: hosts))
        }
    }

    @discardableResult
    public static func ip(_ arguments: [String]) async throws -> ProcessResult {
        let result = try await runProcess("ip", arguments, timeout: 10)
        guard result.succeeded else { throw LabError.command("ip " + arguments.joined(separator: " "), result) }
        return result
    }

    /// Runs a command inside a host's namespace (`ip netns exec`), bounded by `timeout` seconds.
    public func run(in role: String, _ command: [String], timeout: Double = 20) async throws -> ProcessResult {
        try await runProcess("ip", ["netns", "exec", self[role].namespace] + command, timeout: timeout)
    }

    /// The hosts among `roles` whose `interface` has `address` plumbed, as their kernels say.
    public func holders(of address: String, among roles: [String] = ["a", "b"], interface: String = "eth1") async throws -> [String] {
        var holders: [String] = []
        let family = address.contains(":") ? "-6" : "-4"
        for role in roles {
            let shown = try await run(in: role, ["ip", family, "-o", "addr", "show", "dev", interface])
            if shown.stdout.contains(" \(address)/") { holders.append(role) }
        }
        return holders
    }

    /// Cuts a host off a network, or joins it again, at its port on the switch (the host's own
    /// interface loses its carrier, as when a cable is pulled).
    public func setSwitchPort(of role: String, network: Int, up: Bool) async throws {
        try await Self.ip(["-n", switchNamespace, "link", "set", self[role].switchPorts[network], up ? "up" : "down"])
    }

    /// The MAC of a host's eth1.
    public func mac(of role: String) async throws -> String {
        let result = try await Self.ip(["-n", self[role].namespace, "-o", "link", "show", "eth1"])
        guard let range = result.stdout.range(of: "link/ether ") else { throw LabError.command("ip link show", result) }
        return String(result.stdout[range.upperBound...].prefix(17))
    }

    /// What `ip neigh` in a host's namespace says about an address: its MAC, or nil.
    public func neighbourMAC(in role: String, of address: String) async throws -> String? {
        let result = try await Self.ip(["-n", self[role].namespace, "neigh", "show", address])
        guard let range = result.stdout.range(of: "lladdr ") else { return nil }
        return String(result.stdout[range.upperBound...].prefix(17))
    }
}

public enum LabError: Error, CustomStringConvertible {
    case command(String, ProcessResult)
    case namespace(String, Int32)

    public var description: String {
        switch self {
        case .command(let command, let result): "\(command) failed: \(result)"
        case .namespace(let name, let code): "cannot enter network namespace \(name): \(String(cString: strerror(code)))"
        }
    }
}

/// Runs blocking code in a network namespace: a fresh thread switches itself with setns (network
/// namespaces are per thread), runs `body`, and exits, so no other thread ever changes namespace.
public func inNamespace<T: Sendable>(_ namespace: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                try enterNamespace(namespace)
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}

/// Switches the calling thread into the named network namespace. Use only on a thread of your own.
public func enterNamespace(_ namespace: String) throws {
    // Glibc's Swift module does not declare setns; it is looked up in libc instead.
    typealias SetNamespace = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { throw LabError.namespace(namespace, ENOSYS) }
    let setNamespace = unsafeBitCast(symbol, to: SetNamespace.self)
    let descriptor = open("/run/netns/" + namespace, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw LabError.namespace(namespace, errno) }
    defer { close(descriptor) }
    let cloneNewNetwork: Int32 = 0x4000_0000
    guard setNamespace(descriptor, cloneNewNetwork) == 0 else { throw LabError.namespace(namespace, errno) }
}
