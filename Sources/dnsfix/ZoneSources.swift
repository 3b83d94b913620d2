import Audit
import DNSModel
import DNSUpdate
import FailoverCore
import Foundation
import ZoneFile

/// Where `dnsfix audit` reads its zones: AXFR from the primary, master files, or the zones the pair's
/// config implies.
struct ZoneSources {
    var transfers: [DNSName]
    var files: [(origin: DNSName, path: String)]
    let dns: DNSOptions
    let settings: DNSSettings?
    let key: TSIGKey?
    /// The primary, once a transfer or a repair needed it.
    private let primary: DNSClient?

    init(dns: DNSOptions, config: DNSFixConfig?, axfr: [String], files: [String], pair: PairFacts?) throws {
        self.dns = dns
        self.settings = config?.dns
        self.key = try dns.tsigKey(config: config?.dns)
        self.files = try files.map(Self.parseFile)
        var transfers = try axfr.map { try DNSName($0) }
        var client: DNSClient?
        if transfers.isEmpty && files.isEmpty {
            guard let pair else {
                throw CommandFailure(usage: "give --axfr ZONE or --file PATH, or --config with a [dns] section")
            }
            let (found, _) = try dns.client(for: pair.sharedName, config: settings, key: key)
            client = found
            // The shared name's zone, and the reverse zones of every address the pair owns.
            let names = [pair.sharedName] + (pair.vips + pair.nodes.map(\.address)).map(\.reverseName)
            for name in names {
                guard let zone = try? found.zone(containing: name).zone, !transfers.contains(zone) else { continue }
                transfers.append(zone)
            }
        } else if let first = transfers.first {
            client = try dns.client(for: first, config: settings, key: key).0
        }
        self.transfers = transfers
        self.primary = client
    }

    /// "example.test.=db.example" or "Zones/example.test.zone" (origin from the file name).
    static func parseFile(_ argument: String) throws -> (origin: DNSName, path: String) {
        if let equals = argument.firstIndex(of: "=") {
            return (try DNSName(String(argument[..<equals])), String(argument[argument.index(after: equals)...]))
        }
        var base = String(argument.split(separator: "/").last ?? Substring(argument))
        for suffix in [".zone", ".db"] where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
        return (try DNSName(base), argument)
    }

    func client() throws -> DNSClient {
        guard let primary else { throw CommandFailure(usage: "no DNS server to send the repair to: give --server") }
        return primary
    }

    var serverDescription: String? { primary.map { $0.server.description } }

    func read() throws -> [AuditZone] {
        var zones: [AuditZone] = []
        for zone in transfers {
            let records = try client().transfer(zone: zone)
            zones.append(AuditZone(origin: zone, records: records, source: "AXFR from \(try client().server)"))
        }
        // Zone files are read on both cores, each prepared for the audit by the thread that read it, while
        // the other files are still being read; errors and skips are still reported in file order.
        let files = self.files
        let results = Parallel.map(files.count) { index in
            Result { () throws(ZoneFileError) in
                let file = files[index]
                let contents = try ZoneFileReader.read(path: file.path, origin: file.origin)
                var zone = AuditZone(origin: file.origin, records: contents.records, source: file.path)
                zone.prepare()
                return (zone, contents.skipped)
            }
        }
        for result in results {
            let (zone, skipped) = try result.get()
            for skip in skipped { Output.error("dnsfix: \(skip)") }
            zones.append(zone)
        }
        return zones
    }
}
