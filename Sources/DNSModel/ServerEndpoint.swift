/// Where to send DNS messages: a host (address or name) and a port.
public struct ServerEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16 = 53) {
        self.host = host
        self.port = port
    }

    /// Reads "192.0.2.53", "192.0.2.53:5300", "[2001:db8::53]:5300", "2001:db8::53" or "ns1.example.test:5300".
    public init(parsing text: String, defaultPort: UInt16 = 53) throws(DNSModelError) {
        var host = text
        var port = defaultPort
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidAddress(text) }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let parsed = UInt16(rest.dropFirst()), parsed > 0 else {
                    throw .invalidAddress(text)
                }
                port = parsed
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            guard let parsed = UInt16(text[text.index(after: colon)...]), parsed > 0 else {
                throw .invalidAddress(text)
            }
            port = parsed
        }
        guard !host.isEmpty else { throw .invalidAddress(text) }
        self.host = host
        self.port = port
    }

    public var description: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == 53 ? bracketed : "\(bracketed):\(port)"
    }
}
