import ArgumentParser
import DNSModel
#if canImport(Glibc)
import Glibc
#endif

/// A forward zone `bench.test.` of hosts (A in the three IPv4 documentation /24s, AAAA in 2001:db8::/32,
/// one /64 per host), some CNAMEs and TXT records, and the reverse zones with a PTR for every address.
/// Injected duplicate registrations: host M's address also under host N's name, its PTR still naming M
/// (a failover script that registered the address under the node's own name and never removed it).
struct BenchZones {
    struct File {
        var origin: String
        var path: String
    }

    var files: [File] = []
    var records = 0
    var bytes = 0
    var hosts = 0
    var v4Hosts = 0
    /// Each injected address, with the name that owns it and the second name it was registered under.
    var injected: [IPAddress: (first: String, second: String)] = [:]

    static let forwardOrigin = "bench.test."
    /// Host addresses in the IPv4 documentation ranges: 192.0.2.1 is the name server's.
    static let v4Blocks: [(prefix: String, reverse: String, first: Int)] = [
        ("192.0.2.", "2.0.192.in-addr.arpa.", 2), ("198.51.100.", "100.51.198.in-addr.arpa.", 1),
        ("203.0.113.", "113.0.203.in-addr.arpa.", 1),
    ]
    static let v6Reverse = "8.b.d.0.1.0.0.2.ip6.arpa."
    /// SOA and NS of each of the five zones, the name server's A and its PTR.
    static let fixedRecords = 5 * 2 + 2
    static let cnameEvery = 50

    static func generate(records total: Int, duplicates: Int, seed: UInt64, into directory: String) throws -> BenchZones {
        var zones = BenchZones()
        // Per host: its address and PTR, a CNAME for one host in 50, and about one TXT in 100; then the duplicates.
        let hosts = Int(Double(total - fixedRecords - duplicates) / (2 + 1 / Double(cnameEvery) + 0.01))
        let cnames = (hosts + cnameEvery - 1) / cnameEvery
        let txts = total - fixedRecords - duplicates - 2 * hosts - cnames
        precondition(txts >= 0 && txts < hosts)
        let v4Capacity = v4Blocks.reduce(0) { $0 + 255 - $1.first }
        zones.hosts = hosts
        zones.v4Hosts = min(hosts / 4, v4Capacity)

        // Which host's address goes under which other host's name, as a list per receiving host.
        var random = SplitMix64(seed: seed)
        var given = Set<Int>()
        var receives: [Int: [Int]] = [:]
        while given.count < duplicates {
            let owner = Int.random(in: 0..<hosts, using: &random)
            let second = Int.random(in: 0..<hosts, using: &random)
            guard owner != second, given.insert(owner).inserted else { continue }
            receives[second, default: []].append(owner)
        }

        let serial = "@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n@ IN NS ns.bench.test.\n"
        func open(_ origin: String, _ file: String) throws -> ZoneWriter {
            let path = directory + "/" + file
            zones.files.append(File(origin: origin, path: path))
            let writer = try ZoneWriter(path: path)
            writer.text("$ORIGIN \(origin)\n$TTL 3600\n\(serial)")
            writer.count(2)
            return writer
        }

        let forward = try open(forwardOrigin, "bench.test.zone")
        let v4Reverse = try v4Blocks.map { try open($0.reverse, $0.reverse + "zone") }
        let v6Reverse = try open(Self.v6Reverse, Self.v6Reverse + "zone")
        forward.text("ns A 192.0.2.1\n")
        v4Reverse[0].text("1 PTR ns.bench.test.\n")
        forward.count(1)
        v4Reverse[0].count(1)

        /// Host i's address: the IPv4 hosts first, then one /64 per host: 2001:db8:H:L::1.
        func writeAddress(_ host: Int, to writer: ZoneWriter) {
            if host < zones.v4Hosts {
                let (block, octet) = v4Position(host)
                writer.text("A ")
                writer.text(v4Blocks[block].prefix)
                writer.decimal(octet)
            } else {
                let value = host - zones.v4Hosts + 1
                writer.text("AAAA 2001:db8:")
                writer.hex(value >> 16)
                writer.byte(UInt8(ascii: ":"))
                writer.hex(value & 0xffff)
                writer.text("::1")
            }
            writer.byte(10)
            writer.count(1)
        }
        func v4Position(_ host: Int) -> (block: Int, octet: Int) {
            var index = host
            for (block, range) in v4Blocks.enumerated() {
                let size = 255 - range.first
                if index < size { return (block, range.first + index) }
                index -= size
            }
            fatalError("no IPv4 address left for host \(host)")
        }
        func address(_ host: Int) -> IPAddress {
            if host < zones.v4Hosts {
                let (block, octet) = v4Position(host)
                return try! IPAddress(v4Blocks[block].prefix + String(octet))
            }
            let value = host - zones.v4Hosts + 1
            return try! IPAddress("2001:db8:\(String(value >> 16, radix: 16)):\(String(value & 0xffff, radix: 16))::1")
        }

        var txtLeft = txts
        for host in 0..<hosts {
            forward.byte(UInt8(ascii: "h"))
            forward.decimal(host)
            forward.byte(UInt8(ascii: " "))
            writeAddress(host, to: forward)
            for owner in receives[host] ?? [] {
                forward.byte(UInt8(ascii: "h"))
                forward.decimal(host)
                forward.byte(UInt8(ascii: " "))
                writeAddress(owner, to: forward)
                zones.injected[address(owner)] = ("h\(owner).\(forwardOrigin)", "h\(host).\(forwardOrigin)")
            }
            if txtLeft > 0 && (host % 100 == 7 || hosts - host <= txtLeft) {
                forward.byte(UInt8(ascii: "h"))
                forward.decimal(host)
                forward.text(" TXT \"rack ")
                forward.decimal(host)
                forward.text("\"\n")
                forward.count(1)
                txtLeft -= 1
            }
            if host % cnameEvery == 0 {
                forward.text("www")
                forward.decimal(host)
                forward.text(" CNAME h")
                forward.decimal(host)
                forward.byte(10)
                forward.count(1)
            }

            // The PTR.
            if host < zones.v4Hosts {
                let (block, octet) = v4Position(host)
                let writer = v4Reverse[block]
                writer.decimal(octet)
            } else {
                // 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0, then L's nibbles and H's, lowest first.
                let value = host - zones.v4Hosts + 1
                let writer = v6Reverse
                writer.text("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0")
                for shift in stride(from: 0, to: 32, by: 4) {
                    writer.byte(UInt8(ascii: "."))
                    writer.hexDigit((value >> shift) & 0xf)
                }
            }
            let writer = host < zones.v4Hosts ? v4Reverse[v4Position(host).block] : v6Reverse
            writer.text(" PTR h")
            writer.decimal(host)
            writer.text(".bench.test.\n")
            writer.count(1)
        }
        precondition(txtLeft == 0)

        for writer in [forward, v6Reverse] + v4Reverse {
            try writer.close()
            zones.records += writer.records
            zones.bytes += writer.bytes
        }
        precondition(zones.records == total, "generated \(zones.records) records, not \(total)")
        return zones
    }
}

/// A zone file written through a 1 MB buffer, with numbers formatted in place.
final class ZoneWriter {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private var buffer: [UInt8] = []
    private(set) var records = 0
    private(set) var bytes = 0
    private var failed = false
    private static let digits = Array("0123456789abcdef".utf8)

    init(path: String) throws {
        guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 20 + 256)
    }

    func count(_ records: Int) { self.records += records }

    func byte(_ byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= 1 << 20 { flush() }
    }

    func text(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    func decimal(_ value: Int) {
        if value >= 10 { decimal(value / 10) }
        buffer.append(Self.digits[value % 10])
    }

    /// Lower-case hex without leading zeros, as in an IPv6 address group.
    func hex(_ value: Int) {
        if value >= 16 { hex(value >> 4) }
        buffer.append(Self.digits[value & 0xf])
    }

    func hexDigit(_ value: Int) { buffer.append(Self.digits[value]) }

    private func flush() {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != buffer.count { failed = true }
        bytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        if fclose(file) != 0 || failed { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}

/// A small seeded generator (SplitMix64), so that a seed gives the same zones everywhere.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
