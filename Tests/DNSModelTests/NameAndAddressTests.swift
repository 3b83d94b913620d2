import Foundation
import Testing
@testable import DNSModel

@Suite struct DNSNameTests {
    @Test func namesAreAbsoluteAndCaseInsensitive() throws {
        #expect(try DNSName("App.Example.TEST") == DNSName("app.example.test."))
        #expect(try DNSName("app.example.test").description == "app.example.test.")
        #expect(try DNSName(".") == .root)
    }

    @Test(arguments: ["", "a..b", "bad name.test.", String(repeating: "x", count: 64) + ".test."])
    func malformedNamesAreRejectedWithReason(_ text: String) {
        #expect(throws: DNSModelError.self) { try DNSName(text) }
    }

    @Test func subdomainAndAncestors() throws {
        let name = try DNSName("app.example.test.")
        #expect(name.isSubdomain(of: try DNSName("example.test.")))
        #expect(name.isSubdomain(of: name))
        #expect(!name.isSubdomain(of: try DNSName("other.test.")))
        #expect(!(try DNSName("xexample.test.")).isSubdomain(of: try DNSName("example.test.")))
        #expect(name.selfAndAncestors.map(\.description) == ["app.example.test.", "example.test.", "test.", "."])
    }

    /// A whole-address ip6.arpa name is held as its address: whichever way it is made, it is the same
    /// name, with the same text, labels, order and zone membership as any other name.
    @Test func anIP6ArpaAddressNameIsOneNameHoweverMade() throws {
        let text = "0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."
        let parsed = try DNSName(text.uppercased())
        let fromAddress = try IPAddress("2001:db8::50").reverseName
        #expect(parsed == fromAddress)
        #expect(parsed.hashValue == fromAddress.hashValue)
        #expect(Set([parsed, fromAddress, try DNSName(text)]).count == 1)
        #expect(parsed.ip6ReverseWords != nil)
        #expect(parsed.text == text)
        #expect(parsed.labelCount == 34 && parsed.labels.count == 34 && parsed.labels.first == "0" && parsed.labels.last == "arpa")
        parsed.withUTF8 { #expect(String(decoding: $0, as: UTF8.self) == text) }
        #expect(DNSName(validatedLabels: parsed.labels) == parsed)

        #expect(parsed.isSubdomain(of: try DNSName("8.b.d.0.1.0.0.2.ip6.arpa.")))
        #expect(parsed.isSubdomain(of: try DNSName("ip6.arpa.")) && parsed.isSubdomain(of: .root) && parsed.isSubdomain(of: parsed))
        #expect(!parsed.isSubdomain(of: try DNSName("9.b.d.0.1.0.0.2.ip6.arpa.")))
        #expect(!parsed.isSubdomain(of: try DNSName("b.d.0.1.0.0.2.ip6.arpa.b.d.0.1.0.0.2.ip6.arpa.")))
        #expect(!parsed.isSubdomain(of: try IPAddress("2001:db8::51").reverseName))
        // "d.0.1.0.0.2.ip6.arpa." ends the text, but "0.0.2.ip6.arpa." split inside a label would not.
        #expect(parsed.isSubdomain(of: try DNSName("d.0.1.0.0.2.ip6.arpa.")))
        #expect(!parsed.isSubdomain(of: try DNSName("xd.0.1.0.0.2.ip6.arpa.")))

        // Names that only look like one keep their text: a label of two nibbles, a zone's apex, a longer name.
        for other in ["00.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
                      "8.b.d.0.1.0.0.2.ip6.arpa.", "x.0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
                      "g.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."] {
            let name = try DNSName(other)
            #expect(name.ip6ReverseWords == nil && name.text == other && IPAddress(reverseName: name) == nil)
        }
        let next = try IPAddress("2001:db8::51").reverseName, shorter = try DNSName("a.0.1.0.0.2.ip6.arpa.")
        #expect([next, parsed, shorter].sorted() == [shorter, parsed, next])
    }

    @Test func canonicalOrderComparesFromTheRight() throws {
        let names = try ["z.a.test.", "a.b.test.", "b.a.test.", "a.test."].map { try DNSName($0) }
        #expect(names.sorted().map(\.description) == ["a.test.", "b.a.test.", "z.a.test.", "a.b.test."])
    }
}

@Suite struct IPAddressTests {
    @Test func parsesAndFormatsBothFamilies() throws {
        #expect(try IPAddress("192.0.2.50").description == "192.0.2.50")
        #expect(try IPAddress("2001:DB8:0:0::50").description == "2001:db8::50")
        #expect(try IPAddress("192.0.2.50").recordType == .a)
        #expect(try IPAddress("2001:db8::50").recordType == .aaaa)
    }

    @Test(arguments: ["192.0.2", "192.0.2.256", "2001:db8:::1", "app.example.test", ""])
    func malformedAddressesAreRejected(_ text: String) {
        #expect(throws: DNSModelError.invalidAddress(text)) { try IPAddress(text) }
    }

    @Test(arguments: ["192.0.2.50", "0.0.0.0", "255.255.255.255", "2001:db8::50", "2001:db8:1:2:3:4:5:6", "::"])
    func reverseNamesAndBytesRoundTrip(_ text: String) throws {
        let address = try IPAddress(text)
        #expect(IPAddress(reverseName: address.reverseName) == address)
        #expect(IPAddress(bytes: address.bytes) == address)
        #expect(address.bytes.count == (address.family == .v4 ? 4 : 16))
    }

    @Test func notEveryReverseNameIsAnAddress() throws {
        #expect(IPAddress(reverseName: try DNSName("2.0.192.in-addr.arpa.")) == nil)
        #expect(IPAddress(reverseName: try DNSName("0-63.2.0.192.in-addr.arpa.")) == nil)
        #expect(IPAddress(reverseName: try DNSName("www.example.test.")) == nil)
    }

    @Test func orderIsV4ThenNumeric() throws {
        let sorted = try ["2001:db8::1", "192.0.2.10", "192.0.2.9", "2001:db8::"].map { try IPAddress($0) }.sorted()
        #expect(sorted.map(\.description) == ["192.0.2.9", "192.0.2.10", "2001:db8::", "2001:db8::1"])
    }

    @Test func reverseNames() throws {
        #expect(try IPAddress("192.0.2.50").reverseName.description == "50.2.0.192.in-addr.arpa.")
        #expect(try IPAddress("2001:db8::50").reverseName.description
            == "0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")
    }
}

@Suite struct ServerEndpointTests {
    @Test func parsesHostAndPort() throws {
        #expect(try ServerEndpoint(parsing: "127.0.0.1:5300") == ServerEndpoint(host: "127.0.0.1", port: 5300))
        #expect(try ServerEndpoint(parsing: "192.0.2.53") == ServerEndpoint(host: "192.0.2.53", port: 53))
        #expect(try ServerEndpoint(parsing: "[2001:db8::53]:5300") == ServerEndpoint(host: "2001:db8::53", port: 5300))
        #expect(try ServerEndpoint(parsing: "2001:db8::53") == ServerEndpoint(host: "2001:db8::53", port: 53))
        #expect(throws: DNSModelError.self) { try ServerEndpoint(parsing: "127.0.0.1:99999") }
        #expect(throws: DNSModelError.self) { try ServerEndpoint(parsing: "[::1") }
    }
}
