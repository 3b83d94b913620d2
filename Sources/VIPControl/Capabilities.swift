import Foundation

/// The process's effective capabilities, read before acting so that a refusal names what is missing
/// instead of a kernel's "Operation not permitted" halfway through.
enum Capabilities {
    static let networkAdministration = (bit: 12, name: "CAP_NET_ADMIN")
    static let rawNetwork = (bit: 13, name: "CAP_NET_RAW")

    static func require(_ needed: [(bit: Int, name: String)]) throws(VIPError) {
        // thread-self: the effective set is per thread, and tests switch threads into namespaces.
        guard let status = try? String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16) else {
            return
        }
        let missing = needed.filter { mask & (1 << UInt64($0.bit)) == 0 }.map(\.name)
        if !missing.isEmpty { throw .missingCapabilities(missing) }
    }
}
