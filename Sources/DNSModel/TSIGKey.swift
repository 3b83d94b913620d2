/// The HMAC algorithms a TSIG key may use (RFC 8945), by their DNS names.
public enum TSIGAlgorithm: String, Sendable, CaseIterable {
    case hmacSHA1 = "hmac-sha1"
    case hmacSHA224 = "hmac-sha224"
    case hmacSHA256 = "hmac-sha256"
    case hmacSHA384 = "hmac-sha384"
    case hmacSHA512 = "hmac-sha512"

    init?(named text: String) {
        let lowered = text.lowercased()
        self.init(rawValue: lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered)
    }
}

/// A TSIG key. Its secret never appears in a description, a log line or an error.
public struct TSIGKey: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public let name: DNSName
    public let algorithm: TSIGAlgorithm
    /// Base64, as in the key file; validated when the key is made.
    public let secret: String

    public init(name: DNSName, algorithm: TSIGAlgorithm, secret: String) throws(DNSModelError) {
        guard let decoded = Base64.decode(secret), !decoded.isEmpty else {
            throw .invalidKey("the secret of TSIG key \(name) is not valid base64")
        }
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    public var description: String { "TSIG key \(name) (\(algorithm.rawValue))" }

    /// Keeps the secret out of `dump` and debuggers' summaries.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "algorithm": algorithm, "secret": "<redacted>"])
    }

    /// Reads `name:algorithm:secret`, or nsupdate's `-y` form `[algorithm:]name:secret`.
    public init(inline text: String) throws(DNSModelError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let usage = DNSModelError.invalidKey("a key given inline must read name:algorithm:secret")
        switch parts.count {
        case 2:
            try self.init(name: DNSName(parts[0]), algorithm: .hmacSHA256, secret: parts[1])
        case 3:
            if let algorithm = TSIGAlgorithm(named: parts[1]) {
                try self.init(name: DNSName(parts[0]), algorithm: algorithm, secret: parts[2])
            } else if let algorithm = TSIGAlgorithm(named: parts[0]) {
                try self.init(name: DNSName(parts[1]), algorithm: algorithm, secret: parts[2])
            } else {
                throw .invalidKey("unknown TSIG algorithm in \"\(parts[0]):\(parts[1]):…\"; "
                    + "use one of \(TSIGAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        default:
            throw usage
        }
    }

    /// Reads a BIND key file as `tsig-keygen` writes it and `nsupdate -k` reads it; `origin` names the
    /// file in errors. A file with several keys gives the first.
    public init(keyFileContents text: String, origin: String) throws(DNSModelError) {
        let tokens = BINDConfigTokenizer.tokens(of: text)
        guard let keyIndex = tokens.firstIndex(where: { $0.text == "key" && !$0.quoted }),
              keyIndex + 2 < tokens.count, tokens[keyIndex + 2].text == "{" else {
            throw .invalidKey("\(origin): no `key \"name\" { … };` statement found")
        }
        let nameToken = tokens[keyIndex + 1]
        var algorithm: String?
        var secret: String?
        var index = keyIndex + 3
        while index < tokens.count, tokens[index].text != "}" {
            let keyword = tokens[index].text
            if index + 1 < tokens.count {
                switch keyword {
                case "algorithm": algorithm = tokens[index + 1].text
                case "secret": secret = tokens[index + 1].text
                default: break
                }
            }
            // Skip to the statement's terminating semicolon.
            while index < tokens.count, tokens[index].text != ";" || tokens[index].quoted { index += 1 }
            index += 1
        }
        guard let algorithmText = algorithm else {
            throw .invalidKey("\(origin) line \(nameToken.line): key \(nameToken.text) has no algorithm")
        }
        guard let chosen = TSIGAlgorithm(named: algorithmText) else {
            throw .invalidKey("\(origin) line \(nameToken.line): unknown TSIG algorithm \"\(algorithmText)\"")
        }
        guard let secret else {
            throw .invalidKey("\(origin) line \(nameToken.line): key \(nameToken.text) has no secret")
        }
        let name: DNSName
        do { name = try DNSName(nameToken.text) } catch {
            throw .invalidKey("\(origin) line \(nameToken.line): \(error)")
        }
        do {
            try self.init(name: name, algorithm: chosen, secret: secret)
        } catch {
            throw .invalidKey("\(origin) line \(nameToken.line): the secret of key \(name) is not valid base64")
        }
    }
}

/// Just enough of BIND's configuration grammar to read key files: words, quoted strings, braces,
/// semicolons, and the three comment styles.
enum BINDConfigTokenizer {
    struct Token { var text: String; var quoted: Bool; var line: Int }

    static func tokens(of text: String) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var line = 1
        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }
        while let scalar = peek() {
            switch scalar {
            case "\n":
                line += 1
                index += 1
            case " ", "\t", "\r":
                index += 1
            case "#":
                while let next = peek(), next != "\n" { index += 1 }
            case "/" where peek(1) == "/":
                while let next = peek(), next != "\n" { index += 1 }
            case "/" where peek(1) == "*":
                index += 2
                while let next = peek(), !(next == "*" && peek(1) == "/") {
                    if next == "\n" { line += 1 }
                    index += 1
                }
                index += 2
            case "{", "}", ";":
                tokens.append(Token(text: String(scalar), quoted: false, line: line))
                index += 1
            case "\"":
                index += 1
                var value = ""
                while let next = peek(), next != "\"" {
                    if next == "\\", let escaped = peek(1) { value.unicodeScalars.append(escaped); index += 2; continue }
                    if next == "\n" { line += 1 }
                    value.unicodeScalars.append(next)
                    index += 1
                }
                index += 1
                tokens.append(Token(text: value, quoted: true, line: line))
            default:
                var word = ""
                while let next = peek(), !" \t\r\n{};\"".unicodeScalars.contains(next) {
                    word.unicodeScalars.append(next)
                    index += 1
                }
                tokens.append(Token(text: word, quoted: false, line: line))
            }
        }
        return tokens
    }
}

enum Base64 {
    /// Decodes standard base64 with padding; nil for anything else.
    static func decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var values = [UInt8](repeating: 0xff, count: 256)
        for (value, char) in alphabet.enumerated() { values[Int(char)] = UInt8(value) }
        let input = Array(text.utf8).filter { $0 != 0x20 && $0 != 0x0a && $0 != 0x09 }
        guard !input.isEmpty, input.count % 4 == 0 else { return nil }
        let padding = input.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return nil }
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        for (position, char) in input.dropLast(padding).enumerated() {
            let value = values[Int(char)]
            guard value != 0xff else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            if position % 4 == 3 {
                output += [UInt8(accumulator >> 16 & 0xff), UInt8(accumulator >> 8 & 0xff), UInt8(accumulator & 0xff)]
                accumulator = 0
            }
        }
        switch padding {
        case 1: output += [UInt8(accumulator >> 10 & 0xff), UInt8(accumulator >> 2 & 0xff)]
        case 2: output.append(UInt8(accumulator >> 4 & 0xff))
        default: break
        }
        return output
    }
}
