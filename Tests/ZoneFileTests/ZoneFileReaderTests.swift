import DNSModel
import Foundation
import Testing
import ZoneFile

/// A directory of its own under the system's temporary directory, removed when the test ends.
private struct ScratchDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("zonefile-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

private func name(_ text: String) -> DNSName { try! DNSName(text) }
private func address(_ text: String) -> IPAddress { try! IPAddress(text) }
private let zone = name("example.test.")

private func read(_ text: String, origin: DNSName = zone, defaultTTL: UInt32 = 3600) throws -> ZoneFileContents {
    try ZoneFileReader.read(text: text, origin: origin, defaultTTL: defaultTTL)
}

@Suite struct DecodedTypes {
    @Test func addressPointerAliasAndDelegation() throws {
        let contents = try read("""
            $TTL 300
            node-a      A     192.0.2.11
            node-a      AAAA  2001:DB8::11
            web         CNAME node-a
            sub         NS    ns1.sub
            ptr         PTR   Node-A.Example.Test.
            """)
        #expect(contents.origin == zone)
        #expect(contents.skipped.isEmpty)
        #expect(contents.records == [
            ResourceRecord(name: name("node-a.example.test."), ttl: 300, data: .address(address("192.0.2.11"))),
            ResourceRecord(name: name("node-a.example.test."), ttl: 300, data: .address(address("2001:db8::11"))),
            ResourceRecord(name: name("web.example.test."), ttl: 300, data: .cname(name("node-a.example.test."))),
            ResourceRecord(name: name("sub.example.test."), ttl: 300, data: .ns(name("ns1.sub.example.test."))),
            ResourceRecord(name: name("ptr.example.test."), ttl: 300, data: .ptr(name("node-a.example.test."))),
        ])
    }

    /// Whole-address ip6.arpa names take a shortcut from the wire form to the address (see `DNSName`):
    /// in any case, relative or absolute, they read as the same names as through `DNSName(text)`.
    @Test func ip6ArpaAddressNamesReadAsTheirAddresses() throws {
        let origin = name("8.b.d.0.1.0.0.2.ip6.arpa.")
        let contents = try read("""
            $TTL 60
            0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0  PTR  a.example.test.
            F.F.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.IP6.ARPA.  PTR  b.example.test.
            00.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0  PTR  c.example.test.
            0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpb.  PTR  d.example.test.
            """, origin: origin)
        #expect(contents.skipped.isEmpty)
        #expect(contents.records.map(\.name) == [
            address("2001:db8::50").reverseName, address("2001:db8::ff").reverseName,
            name("00.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."),
            name("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpb."),
        ])
        #expect(contents.records.map { IPAddress(reverseName: $0.name) } == [address("2001:db8::50"), address("2001:db8::ff"), nil, nil])
        #expect(contents.records[1].name.text == "f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")
    }

    @Test func namesComeOutLowerCasedAndAbsolute() throws {
        let contents = try read("""
            $TTL 60
            WWW.Example.TEST.  A  192.0.2.80
            Mixed              A  192.0.2.81
            *.Wild             A  192.0.2.82
            _sip._tcp          TXT "service"
            """)
        #expect(contents.records.map(\.name.description) == [
            "www.example.test.", "mixed.example.test.", "*.wild.example.test.", "_sip._tcp.example.test.",
        ])
        #expect(contents.records.map(\.name.labels) == [
            ["www", "example", "test"], ["mixed", "example", "test"], ["*", "wild", "example", "test"],
            ["_sip", "_tcp", "example", "test"],
        ])
    }

    @Test func characterStrings() throws {
        let contents = try read("""
            $TTL 60
            owner  TXT  "node=node-a epoch=7"
            multi  TXT  "first" "second part" plain
            escape TXT  "quote \\" backslash \\\\ semicolon ; caf\\195\\169"
            empty  TXT  ""
            """)
        #expect(contents.records.map(\.data) == [
            .txt(["node=node-a epoch=7"]),
            .txt(["first", "second part", "plain"]),
            .txt(["quote \" backslash \\ semicolon ; café"]),
            .txt([""]),
        ])
    }

    @Test func startOfAuthorityOverSeveralLines() throws {
        let contents = try read("""
            $TTL 300
            @   IN  SOA ns1 hostmaster.Example.Test. (
                    2024010101 ; serial
                    3600       ; refresh
                    600        ; retry
                    1w         ; expire
                    300 )      ; minimum
            """)
        let soa = StartOfAuthority(primary: name("ns1.example.test."), responsible: name("hostmaster.example.test."),
                                   serial: 2_024_010_101, refresh: 3600, retry: 600, expire: 604_800, minimum: 300)
        #expect(contents.records == [ResourceRecord(name: zone, ttl: 300, data: .soa(soa))])
    }

    @Test func otherTypesInTheGenericForm() throws {
        let contents = try read("""
            $TTL 60
            @      MX     10 mail
            srv    SRV    0 5 5060 sip
            blob   TYPE65534 \\# 3 0A0b0C
            none   TYPE65533 \\# 0
            bytes  TXT    "\\255"
            """)
        #expect(contents.records.map(\.data) == [
            .other(.mx, "\\# 21 000A046D61696C076578616D706C65047465737400"),
            .other(.srv, "\\# 24 0000000513C403736970076578616D706C65047465737400"),
            .other(RecordType(rawValue: 65534), "\\# 3 0A0B0C"),
            .other(RecordType(rawValue: 65533), "\\# 0"),
            // Not UTF-8: kept byte for byte in the generic form rather than altered.
            .other(.txt, "\\# 2 01FF"),
        ])
        #expect(contents.records.map(\.type) == [.mx, .srv, RecordType(rawValue: 65534), RecordType(rawValue: 65533), .txt])
    }
}

@Suite struct OriginsAndTTLs {
    @Test func originDirectivesRelativeNamesAndAt() throws {
        let contents = try read("""
            $TTL 60
            @            A     192.0.2.1
            host         A     192.0.2.2
            $ORIGIN sub.example.test.
            @            A     192.0.2.3
            deep         CNAME host
                         TXT   "previous owner"
            abs.other.test. PTR @
            $ORIGIN 2.0.192.in-addr.arpa.
            11           PTR   node-a.example.test.
            """)
        #expect(contents.records.map { "\($0.name) \($0.type) \($0.data)" } == [
            "example.test. A 192.0.2.1",
            "host.example.test. A 192.0.2.2",
            "sub.example.test. A 192.0.2.3",
            "deep.sub.example.test. CNAME host.sub.example.test.",
            "deep.sub.example.test. TXT \"previous owner\"",
            "abs.other.test. PTR sub.example.test.",
            "11.2.0.192.in-addr.arpa. PTR node-a.example.test.",
        ])
        #expect(contents.origin == zone, "a $ORIGIN inside the file does not change the zone's origin")
    }

    @Test func theGivenOriginCompletesRelativeNames() throws {
        let contents = try read("11 PTR node-a.example.test.\n12 PTR node-b\n", origin: name("2.0.192.in-addr.arpa."))
        #expect(contents.records.map(\.name.description) == ["11.2.0.192.in-addr.arpa.", "12.2.0.192.in-addr.arpa."])
        #expect(contents.records.last?.data == .ptr(name("node-b.2.0.192.in-addr.arpa.")))
    }

    @Test func dollarTTLAppliesToRecordsWithoutOne() throws {
        let contents = try read("""
            $TTL 300
            a        A  192.0.2.1
            b  60    A  192.0.2.2
            c        A  192.0.2.3
            $TTL 1h
            d        A  192.0.2.4
            e  IN 2m A  192.0.2.5
            """)
        #expect(contents.records.map(\.ttl) == [300, 60, 300, 3600, 120])
    }

    @Test func withoutAnyTTLTheDefaultApplies() throws {
        #expect(try read("a A 192.0.2.1\nb A 192.0.2.2\n").records.map(\.ttl) == [3600, 3600])
        #expect(try read("a A 192.0.2.1\n", defaultTTL: 86400).records.map(\.ttl) == [86400])
    }

    @Test func withoutDollarTTLTheLastWrittenTTLCarriesOver() throws {
        // RFC 1035 and BIND: a record without a TTL takes the last one written.
        let contents = try read("""
            a  120  A  192.0.2.1
            b       A  192.0.2.2
            c  30   A  192.0.2.3
            d       A  192.0.2.4
            """)
        #expect(contents.records.map(\.ttl) == [120, 120, 30, 30])
    }

    @Test func anSOAWithoutTTLTakesItsMinimum() throws {
        // BIND: "no TTL specified; using SOA MINTTL instead", and the records after it follow.
        let contents = try read("""
            @  SOA  ns1 hostmaster 1 3600 600 86400 900
               NS   ns1
            ns1 A   192.0.2.53
            """)
        #expect(contents.records.map(\.ttl) == [900, 900, 900])
    }
}

@Suite struct Skipped {
    @Test func namesThatDNSNameCannotHoldAreSkippedWithTheirLine() throws {
        let contents = try read("""
            $TTL 60
            good            A    192.0.2.1
            with\\032space   A    192.0.2.2
            0/26            NS   ns1
            dotted\\.label   TXT  "x"
            ptr             PTR  bad\\.target.example.test.
            apr\\195\\168s   A    192.0.2.3
            @               SOA  ns1 john\\.doe 1 2 3 4 5
            last            A    192.0.2.4
            """, nameForErrors: "inline.zone")
        #expect(contents.records.map(\.name.description) == ["good.example.test.", "last.example.test."])
        #expect(contents.skipped.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(contents.skipped.map(\.owner) == [
            "with\\032space.example.test.", "0/26.example.test.", "dotted\\.label.example.test.",
            "ptr.example.test.", "apr\\195\\168s.example.test.", "example.test.",
        ])
        #expect(contents.skipped.map(\.type) == [.a, .ns, .txt, .ptr, .a, .soa])
        #expect(contents.skipped.allSatisfy { $0.file == "inline.zone" })
        #expect(contents.skipped[3].reason.contains("bad\\.target.example.test."))
        #expect(contents.skipped[0].description.hasPrefix("inline.zone:3: skipped with\\032space.example.test. A: "))
    }

    private func read(_ text: String, nameForErrors: String) throws -> ZoneFileContents {
        try ZoneFileReader.read(text: text, origin: zone, nameForErrors: nameForErrors)
    }
}

@Suite struct Errors {
    @Test func aSyntaxErrorNamesTheFileAndLine() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("broken.zone", """
            $ORIGIN example.test.
            $TTL 300
            @       IN SOA ns1 hostmaster ( 1 3600 600 86400
                                            300 )
                    IN NS  ns1
            ns1     IN A   192.0.2.53
            node-a  IN A   192.0.2.300
            node-b  IN A   192.0.2.12

            """)
        let error = #expect(throws: ZoneFileError.self) {
            try ZoneFileReader.read(path: path, origin: zone)
        }
        #expect(error?.file == path)
        #expect(error?.line == 7)
        #expect(error?.message.hasPrefix("invalid IPv4 address") == true)
        #expect(error?.description.hasPrefix("\(path):7: invalid IPv4 address") == true)
    }

    @Test func aSyntaxErrorInTextUsesTheGivenName() {
        let error = #expect(throws: ZoneFileError.self) {
            try ZoneFileReader.read(text: "a A 192.0.2.1\n\nb A 192.0.2.2 trailing\n", origin: zone,
                                    nameForErrors: "pasted.zone")
        }
        #expect(error?.description == "pasted.zone:3: unexpected data near \"trailing\"")
    }

    @Test func anUnknownTypeIsASyntaxError() {
        let error = #expect(throws: ZoneFileError.self) { try read("a A 192.0.2.1\nb BOGUS x\n") }
        #expect(error?.file == "<text>")
        #expect(error?.line == 2)
    }

    @Test func anUnclosedParenthesisIsReportedAtTheEnd() {
        let error = #expect(throws: ZoneFileError.self) { try read("a A 192.0.2.1\nb ( A\n  192.0.2.2\n") }
        #expect(error?.message.contains("unclosed") == true)
    }

    @Test func aMissingFileSaysSo() {
        let path = "/nonexistent/dnsfix/no-such.zone"
        let error = #expect(throws: ZoneFileError.self) { try ZoneFileReader.read(path: path, origin: zone) }
        #expect(error?.file == path)
        #expect(error?.line == 0)
        #expect(error?.description == "\(path): cannot open the zone file: No such file or directory")
    }

    @Test func aDirectoryIsNotAZoneFile() throws {
        let scratch = try ScratchDirectory()
        let error = #expect(throws: ZoneFileError.self) {
            try ZoneFileReader.read(path: scratch.url.path, origin: zone)
        }
        #expect(error?.description == "\(scratch.url.path): cannot read the zone file: it is not a regular file")
    }

    @Test func includedFilesAreReadAndTheirErrorsNameThem() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("hosts.inc", "node-a A 192.0.2.11\nnode-b A 192.0.2.12\n")
        let good = try scratch.write("good.zone", "$TTL 60\nns1 A 192.0.2.53\n$INCLUDE hosts.inc\nlast A 192.0.2.99\n")
        let contents = try ZoneFileReader.read(path: good, origin: zone)
        #expect(contents.records.map(\.name.description) == [
            "ns1.example.test.", "node-a.example.test.", "node-b.example.test.", "last.example.test.",
        ])

        _ = try scratch.write("broken.inc", "\n\nnode-c A not-an-address\n")
        let including = try scratch.write("including.zone", "$TTL 60\n$INCLUDE broken.inc\n")
        let error = #expect(throws: ZoneFileError.self) { try ZoneFileReader.read(path: including, origin: zone) }
        #expect(error?.file.hasSuffix("/broken.inc") == true)
        #expect(error?.line == 3)

        let missing = try scratch.write("missing.zone", "$TTL 60\n\n$INCLUDE absent.inc\n")
        let missingError = #expect(throws: ZoneFileError.self) { try ZoneFileReader.read(path: missing, origin: zone) }
        #expect(missingError?.file == missing)
        #expect(missingError?.line == 3)
        #expect(missingError?.message.contains("absent.inc") == true)
    }
}

@Suite struct WholeFiles {
    @Test func anEmptyFileHasNoRecords() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("empty.zone", "")
        let contents = try ZoneFileReader.read(path: path, origin: zone)
        #expect(contents.records.isEmpty && contents.skipped.isEmpty)
        #expect(try read("").records.isEmpty)
        #expect(try read("a A 192.0.2.1").records.count == 1, "no newline at the end")
    }

    @Test func tenThousandRecordsAreAllRead() throws {
        var text = "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\n"
        for index in 0..<9_998 {
            switch index % 4 {
            case 0: text += "host\(index) IN A 10.\(index >> 16).\(index >> 8 & 255).\(index & 255)\n"
            case 1: text += "host\(index) IN AAAA 2001:db8::\(String(index, radix: 16))\n"
            case 2: text += "alias\(index) IN CNAME host\(index - 2)\n"
            default: text += "host\(index) 60 IN TXT \"index=\(index)\"\n"
            }
        }
        let scratch = try ScratchDirectory()
        let path = try scratch.write("large.zone", text)
        let contents = try ZoneFileReader.read(path: path, origin: zone)
        #expect(contents.records.count == 10_000)
        #expect(contents.skipped.isEmpty)
        #expect(contents.records.filter { $0.type == .a }.count == 2_500)
        #expect(contents.records.filter { $0.type == .txt }.count == 2_499)
        #expect(contents.records[2] == ResourceRecord(name: name("host0.example.test."), ttl: 300,
                                                      data: .address(address("10.0.0.0"))))
        #expect(contents.records[5] == ResourceRecord(name: name("host3.example.test."), ttl: 60,
                                                      data: .txt(["index=3"])))
        #expect(contents.records.last == ResourceRecord(name: name("host9997.example.test."), ttl: 300,
                                                        data: .address(address("2001:db8::270d"))))
    }

    /// The zones the integration tests serve (Zones/*.zone at the repository root).
    @Test func theRepositoryZones() throws {
        let zones = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Zones")
        func load(_ origin: String) throws -> ZoneFileContents {
            try ZoneFileReader.read(path: zones.appendingPathComponent("\(origin)zone").path, origin: name(origin))
        }
        let forward = try load("example.test.")
        let reverse4 = try load("2.0.192.in-addr.arpa.")
        let reverse6 = try load("0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")
        for contents in [forward, reverse4, reverse6] {
            #expect(contents.skipped.isEmpty)
            #expect(contents.records.first?.type == .soa)
            #expect(contents.records.contains { $0.name == contents.origin && $0.data == .ns(name("ns1.example.test.")) })
        }
        let nodeA = name("node-a.example.test.")
        #expect(forward.records.contains { $0.name == nodeA && $0.data == .address(address("192.0.2.11")) })
        #expect(forward.records.contains { $0.name == nodeA && $0.data == .address(address("2001:db8::11")) })
        #expect(reverse4.records.contains { $0.name == address("192.0.2.11").reverseName && $0.data == .ptr(nodeA) })
        #expect(reverse6.records.contains { $0.name == address("2001:db8::11").reverseName && $0.data == .ptr(nodeA) })
    }
}
