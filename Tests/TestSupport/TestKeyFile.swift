import Foundation

/// A TSIG key read from a BIND key file (the format `tsig-keygen` writes and `nsupdate -k` reads):
///
///     key "dnsfix-test" {
///         algorithm hmac-sha256;
///         secret "base64...";
///     };
///
/// A deliberately small reader for the fixture (it turns Zones/keys/*.key into Knot's `key:` section);
/// the code under test has its own.
public struct TestKeyFile: Sendable, Equatable {
    public let name: String
    public let algorithm: String
    public let secret: String

    public init(name: String, algorithm: String, secret: String) {
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    public static func load(_ path: String) throws -> TestKeyFile {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let key = parse(text) else { throw DNSServerFixtureError.badKeyFile(path) }
        return key
    }

    /// The first key statement in `text`, or nil.
    public static func parse(_ text: String) -> TestKeyFile? {
        let tokens = tokenize(text)
        guard let keyIndex = tokens.firstIndex(of: "key"), keyIndex + 2 < tokens.count, tokens[keyIndex + 2] == "{" else {
            return nil
        }
        let name = tokens[keyIndex + 1]
        var algorithm: String?
        var secret: String?
        var index = keyIndex + 3
        while index + 1 < tokens.count, tokens[index] != "}" {
            switch tokens[index] {
            case "algorithm": algorithm = tokens[index + 1]
            case "secret": secret = tokens[index + 1]
            default: break
            }
            index += 1
        }
        guard let algorithm, let secret, !name.isEmpty else { return nil }
        return TestKeyFile(name: name, algorithm: algorithm.lowercased(), secret: secret)
    }

    /// Words, quoted strings (unquoted) and the punctuation `{ } ;`, comments (`#`, `//`, `/* */`) dropped.
    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        let chars = Array(text)
        var i = 0
        var word = ""
        func flush() { if !word.isEmpty { tokens.append(word); word = "" } }
        while i < chars.count {
            let c = chars[i]
            if c == "#" || (c == "/" && i + 1 < chars.count && chars[i + 1] == "/") {
                flush()
                while i < chars.count, chars[i] != "\n" { i += 1 }
            } else if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                flush()
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
            } else if c == "\"" {
                flush()
                i += 1
                var quoted = ""
                while i < chars.count, chars[i] != "\"" { quoted.append(chars[i]); i += 1 }
                tokens.append(quoted)
                i += 1
            } else if c == "{" || c == "}" || c == ";" {
                flush()
                tokens.append(String(c))
                i += 1
            } else if c.isWhitespace {
                flush()
                i += 1
            } else {
                word.append(c)
                i += 1
            }
        }
        flush()
        return tokens
    }

    /// This key as an entry of Knot's `key:` section.
    public var knotConfigEntry: String {
        "  - id: \(name)\n    algorithm: \(algorithm)\n    secret: \(secret)\n"
    }
}
