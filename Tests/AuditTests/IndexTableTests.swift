import DNSModel
import Testing
@testable import Audit

/// The index's own hash tables: keys whose hashes agree are still told apart, and nothing is lost
/// when the table is full to its capacity.
@Suite struct IndexTables {
    @Test func keysWithTheSameHashAreToldApartByTheirKey() {
        // Values stand for positions; the "keys" are the values' parity, all under one hash.
        var table = PositionTable(capacity: 4)
        #expect(table.insert(10, hash: 42) { $0 % 2 == 0 } == nil)
        #expect(table.insert(11, hash: 42) { $0 % 2 == 1 } == nil, "another key under the same hash is new")
        #expect(table.insert(12, hash: 42) { $0 % 2 == 0 } == 10, "the first of an existing key is returned")
        #expect(table.find(42) { $0 % 2 == 1 } == 11)
        #expect(table.find(42) { $0 > 100 } == nil)
        #expect(table.find(7) { _ in true } == nil)
    }

    @Test func aTableHoldsItsCapacity() {
        var table = PositionTable(capacity: 1000)
        for value in 0..<1000 { #expect(table.insert(Int32(value), hash: UInt64(value) &* 0x9E37_79B9) { _ in false } == nil) }
        for value in 0..<1000 { #expect(table.find(UInt64(value) &* 0x9E37_79B9) { $0 == Int32(value) } == Int32(value)) }
    }

    @Test func addressesAreNumberedInTheOrderFirstSeen() throws {
        var numbers = AddressNumbers(capacity: 4)
        let v4 = try IPAddress("0.0.0.1"), v6 = try IPAddress("::1"), other = try IPAddress("192.0.2.1")
        #expect(numbers.number(of: v4) == 0)
        #expect(numbers.number(of: v6) == 1, "an IPv6 address with an IPv4 one's bits is another address")
        #expect(numbers.number(of: v4) == 0)
        #expect(numbers.find(v6) == 1)
        #expect(numbers.find(other) == nil)
        #expect(numbers.number(of: other) == 2)
    }

    @Test func theNumberingGrowsBeyondItsFirstCapacity() throws {
        var numbers = AddressNumbers(capacity: 2)
        let addresses = try (1...200).map { try IPAddress("2001:db8::\(String($0, radix: 16))") }
        for (index, address) in addresses.enumerated() { #expect(numbers.number(of: address) == index) }
        for (index, address) in addresses.enumerated() { #expect(numbers.find(address) == index) }
        #expect(numbers.count == 200)
    }

    @Test func reverseNamesParseToTheirAddress() throws {
        for text in ["192.0.2.7", "2001:db8::5:1", "::", "10.0.0.255"] {
            let address = try IPAddress(text)
            #expect(IPAddress(reverseName: address.reverseName) == address)
        }
        for text in ["2.0.192.in-addr.arpa.", "300.2.0.192.in-addr.arpa.", "1.2.3.4.5.in-addr.arpa.", "x.ip6.arpa."] {
            #expect(IPAddress(reverseName: try DNSName(text)) == nil, "\(text)")
        }
    }

    @Test func subdomainsAreWholeLabels() throws {
        let zone = try DNSName("example.test.")
        #expect(try DNSName("a.example.test.").isSubdomain(of: zone))
        #expect(try DNSName("example.test.").isSubdomain(of: zone))
        #expect(try !DNSName("xexample.test.").isSubdomain(of: zone))
        #expect(try !DNSName("test.").isSubdomain(of: zone))
        #expect(try DNSName("test.").isSubdomain(of: .root))
    }
}
