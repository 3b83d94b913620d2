import DNSModel
import DNSUpdate
import Foundation
import TestSupport

/// Names unique to one test, so that tests sharing a server kind never see each other's records.
func uniqueLabel(_ prefix: String) -> String {
    "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
}

extension RunningDNSServer {
    var serverEndpoint: ServerEndpoint { ServerEndpoint(host: address, port: port) }

    func loadKey(_ file: String = "test.key") throws -> TSIGKey {
        let path = keyFile(file)
        return try TSIGKey(keyFileContents: String(contentsOfFile: path, encoding: .utf8), origin: path)
    }

    func client(key file: String? = "test.key", timeout: Double = 2) throws -> DNSClient {
        try DNSClient(server: serverEndpoint, key: file.map { try loadKey($0) }, timeout: timeout)
    }
}

let exampleZone = try! DNSName("example.test.")
let reverseV4Zone = try! DNSName("2.0.192.in-addr.arpa.")
let reverseV6Zone = try! DNSName("0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")

func name(_ text: String) -> DNSName { try! DNSName(text) }
func ip(_ text: String) -> IPAddress { try! IPAddress(text) }
func addressRecord(_ owner: DNSName, _ address: String, ttl: UInt32 = 30) -> ResourceRecord {
    ResourceRecord(name: owner, ttl: ttl, data: .address(ip(address)))
}
