import ArgumentParser
import DNSModel
import DNSUpdate
import ConfigFile
import FailoverCore
import Foundation

/// How to reach the zone's primary: shared by every subcommand that talks DNS.
struct DNSOptions: ParsableArguments {
    @Option(help: "The zone's primary, HOST[:PORT]. Default: the config's dns.server, else the SOA's MNAME.")
    var server: String?

    @Option(help: "A TSIG key file as tsig-keygen writes it (the format nsupdate -k reads).")
    var keyFile: String?

    @Option(help: ArgumentHelp("A TSIG key given inline as name:algorithm:secret.",
                               discussion: "Prefer --key-file: a command line is visible to other users."))
    var key: String?

    @Option(help: "Seconds to wait for each try over UDP and for the attempt over TCP.")
    var timeout: Double = 2

    @Option(help: "The port of the primary when it is found from the SOA's MNAME.")
    var port: UInt16 = 53

    /// The key from the options, else from the config; nil for unsigned messages.
    func tsigKey(config: DNSSettings?) throws -> TSIGKey? {
        if key != nil && keyFile != nil {
            throw CommandFailure(usage: "give either --key or --key-file, not both")
        }
        if let key { return try TSIGKey(inline: key) }
        guard let path = keyFile ?? config?.keyFile else { return nil }
        return try TSIGKeyFile.read(path)
    }

    /// A client for the primary of the zone that holds `name`, and that zone when finding the primary
    /// had to find it too.
    func client(for name: DNSName, config: DNSSettings?, key: TSIGKey?) throws -> (DNSClient, DNSName?) {
        if let endpoint = try server.map({ try ServerEndpoint(parsing: $0) }) ?? config?.server {
            return (try DNSClient(server: endpoint, key: key, timeout: timeout), nil)
        }
        let found = try DNSClient.discoverPrimary(for: name, port: port, key: key, timeout: timeout)
        return (try DNSClient(server: found.primary, key: key, timeout: timeout), found.zone)
    }
}

/// A TSIG key file as tsig-keygen writes it.
enum TSIGKeyFile {
    static func read(_ path: String) throws -> TSIGKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(usage: "cannot read the TSIG key file \(path): "
                + (FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"))
        }
        return try TSIGKey(keyFileContents: String(decoding: data, as: UTF8.self), origin: path)
    }
}

/// The config file and this node's name in it.
struct ConfigOptions: ParsableArguments {
    @Option(help: "The pair's config file (TOML), the same on both nodes.")
    var config: String?

    @Option(help: "This node's name in the config. Default: the host name.")
    var node: String?

    func load() throws -> DNSFixConfig? {
        guard let config else { return nil }
        guard let data = FileManager.default.contents(atPath: config) else {
            throw CommandFailure(usage: "cannot read the config file \(config): "
                + (FileManager.default.fileExists(atPath: config) ? "permission denied" : "no such file"))
        }
        return try ConfigLoader.load(text: String(decoding: data, as: UTF8.self), file: config)
    }

    /// This node's entry in the config, by --node or the host name.
    func thisNode(in config: DNSFixConfig) throws -> NodeSettings {
        do {
            return try config.localNode(hostname: ProcessInfo.processInfo.hostName, override: node)
        } catch {
            throw CommandFailure(usage: error.description)
        }
    }
}
