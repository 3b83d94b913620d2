import ArgumentParser
import DNSModel
import FailoverCore
import VIPControl

/// Which VIPs and where: from the options, else from the config's [vip] (addresses and topology).
struct VIPTargetOptions: ParsableArguments {
    @Option(help: "The VIP (repeat for an IPv4 and an IPv6 address moved together). Default: the config's vip.addresses.")
    var address: [String] = []

    @Option(help: "The interface. Default: the one the config's topology names for the VIP's subnet.")
    var interface: String?

    @Option(help: "The prefix length. Default: the topology's cidrmask, else 32 (IPv4) or 128 (IPv6).")
    var cidrmask: Int?

    @OptionGroup var configOptions: ConfigOptions

    /// The config, when --config was given.
    func config() throws -> DNSFixConfig? {
        do { return try configOptions.load() } catch let failure as CommandFailure { throw failure } catch {
            throw CommandFailure(error)
        }
    }

    func addresses(config: DNSFixConfig?) throws -> [IPAddress] {
        if !address.isEmpty {
            return try address.map { text in
                do { return try IPAddress(text) } catch { throw CommandFailure(usage: "--address \(text): not an IP address") }
            }
        }
        guard let config else { throw CommandFailure(usage: "give --address, or --config with a [vip] section") }
        guard let vip = config.vip else {
            throw CommandFailure(usage: "\(configOptions.config ?? "the config") has no [vip]: the pair runs in DNS-only mode")
        }
        return vip.addresses
    }

    /// Where each VIP goes: --interface wins; else the config's topology decides.
    func placements(config: DNSFixConfig?) throws -> [VIPPlacement] {
        let topology = try topology(config: config)
        return try addresses(config: config).map { address in
            do {
                if let interface {
                    let hinted = try? topology.placement(for: address)
                    return try VIPPlacement(address: address, interface: interface, cidrmask: cidrmask ?? hinted?.prefixLength)
                }
                guard config != nil else { throw CommandFailure(usage: "give --interface, or --config with a [vip] topology") }
                let placed = try topology.placement(for: address)
                return try VIPPlacement(address: address, interface: placed.interface, cidrmask: cidrmask ?? placed.prefixLength)
            } catch let error as VIPError {
                throw CommandFailure(error)
            }
        }
    }

    /// The nodes' own addresses, which are never a VIP.
    func ownAddresses(config: DNSFixConfig?) -> [IPAddress] {
        config?.pair.nodes.map(\.address) ?? []
    }

    private func topology(config: DNSFixConfig?) throws -> VIPTopology {
        let hints = config?.vip?.topology ?? []
        return VIPTopology(try hints.map { hint in
            do {
                return VIPTopology.Subnet(network: try IPNetwork(parsing: hint.subnet), interface: hint.interface, cidrmask: hint.cidrmask)
            } catch {
                throw CommandFailure(usage: "\(configOptions.config ?? "config"): vip.topology subnet \(hint.subnet): \(error)")
            }
        })
    }
}

/// Runs a VIPControl call, turning its refusals into the documented exit codes.
func vipCall<T>(json: Bool = false, _ body: () throws(VIPError) -> T) throws -> T {
    do { return try body() } catch { throw CommandFailure(error, json: json) }
}
