import Testing
@testable import DNSModel

@Suite struct TSIGKeyTests {
    static let secret = "Q2hhbmdlTWVOb3RGb3JQcm9kdWN0aW9uVXNlT25seQ=="

    @Test func readsTheKeyFileTsigKeygenWrites() throws {
        let text = """
            key "dnsfix-test" {
            \talgorithm hmac-sha256;
            \tsecret "\(Self.secret)";
            };
            """
        let key = try TSIGKey(keyFileContents: text, origin: "test.key")
        #expect(key.name.description == "dnsfix-test.")
        #expect(key.algorithm == .hmacSHA256)
        #expect(key.secret == Self.secret)
    }

    @Test func toleratesCommentsAndOtherLayouts() throws {
        let text = """
            # a comment
            // another
            /* and a
               block */ key dnsfix-test { secret "\(Self.secret)"; algorithm HMAC-SHA512; };
            """
        let key = try TSIGKey(keyFileContents: text, origin: "k")
        #expect(key.algorithm == .hmacSHA512)
    }

    @Test func aBadSecretIsRejectedWhenLoaded() {
        let text = "key \"k\" {\n algorithm hmac-sha256;\n secret \"not*base64\";\n};\n"
        #expect(throws: DNSModelError.invalidKey("bad.key line 1: the secret of key k. is not valid base64")) {
            try TSIGKey(keyFileContents: text, origin: "bad.key")
        }
    }

    @Test func missingPartsAreNamed() {
        #expect(throws: DNSModelError.invalidKey("f: no `key \"name\" { … };` statement found")) {
            try TSIGKey(keyFileContents: "garbage", origin: "f")
        }
        #expect(throws: DNSModelError.invalidKey("f line 1: key k has no secret")) {
            try TSIGKey(keyFileContents: "key k { algorithm hmac-sha256; };", origin: "f")
        }
        #expect(throws: DNSModelError.invalidKey("f line 1: unknown TSIG algorithm \"hmac-md4\"")) {
            try TSIGKey(keyFileContents: "key k { algorithm hmac-md4; secret \"\(Self.secret)\"; };", origin: "f")
        }
    }

    @Test func inlineForms() throws {
        #expect(try TSIGKey(inline: "k:hmac-sha512:\(Self.secret)").algorithm == .hmacSHA512)
        #expect(try TSIGKey(inline: "hmac-sha1:k:\(Self.secret)").algorithm == .hmacSHA1)
        #expect(try TSIGKey(inline: "k:\(Self.secret)").algorithm == .hmacSHA256)
        #expect(throws: DNSModelError.self) { try TSIGKey(inline: "k:hmac-sha256:%%%") }
        #expect(throws: DNSModelError.self) { try TSIGKey(inline: "just-a-name") }
    }

    @Test func theSecretNeverAppearsInADescription() throws {
        let key = try TSIGKey(inline: "k:hmac-sha256:\(Self.secret)")
        #expect(!"\(key)".contains(Self.secret))
        #expect(!String(reflecting: key).contains(Self.secret))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(Self.secret))
        #expect(dumped.contains("hmac-sha256"))
    }

    @Test func base64() {
        #expect(Base64.decode("aGVsbG8=") == Array("hello".utf8))
        #expect(Base64.decode("aGVsbG8h") == Array("hello!".utf8))
        #expect(Base64.decode("aGVsbA==") == Array("hell".utf8))
        #expect(Base64.decode("aGVsbA=") == nil)
        #expect(Base64.decode("a===") == nil)
    }
}
