import Crypto
import Testing
@testable import FailoverCore

@Suite struct HeartbeatCodecTests {
    static let key = SymmetricKey(data: Array(repeating: UInt8(7), count: 32))
    static let heartbeat = Heartbeat(
        node: "node-a", bootID: 0xDEAD_BEEF, sequence: 42, echo: .init(bootID: 9, sequence: 41),
        status: NodeStatus(role: .wait, waitReason: .fenced, epoch: 7, activating: true, eligible: true, yielding: false,
                           swapRequested: true),
        fingerprint: ConfigFingerprint(identity: 1, preference: 2, settings: 3))

    @Test func roundTrip() throws {
        let bytes = HeartbeatCodec.encode(Self.heartbeat, key: Self.key)
        #expect(bytes.count == 5 + 6 + 40 + 3 + 12 + 32, "compact: \(bytes.count) bytes")
        #expect(try HeartbeatCodec.decode(bytes, key: Self.key) == Self.heartbeat)
    }

    @Test func everyFlippedBitIsCaught() {
        let bytes = HeartbeatCodec.encode(Self.heartbeat, key: Self.key)
        for index in bytes.indices {
            var tampered = bytes
            tampered[index] ^= 0x10
            #expect(throws: HeartbeatDrop.self) { try HeartbeatCodec.decode(tampered, key: Self.key) }
        }
    }

    @Test func anotherKeyIsRejected() {
        let bytes = HeartbeatCodec.encode(Self.heartbeat, key: SymmetricKey(data: Array(repeating: UInt8(8), count: 32)))
        #expect(throws: HeartbeatDrop.badMAC) { try HeartbeatCodec.decode(bytes, key: Self.key) }
    }

    @Test func unsignedAndTruncatedAreRejected() {
        let bytes = HeartbeatCodec.encode(Self.heartbeat, key: Self.key)
        #expect(throws: HeartbeatDrop.badMAC) { try HeartbeatCodec.decode(Array(bytes.dropLast(32)) + Array(repeating: 0, count: 32), key: Self.key) }
        #expect(throws: HeartbeatDrop.malformed) { try HeartbeatCodec.decode(Array(bytes.prefix(10)), key: Self.key) }
        #expect(throws: HeartbeatDrop.malformed) { try HeartbeatCodec.decode([], key: Self.key) }
    }

    @Test func aFutureVersionIsRecognisedOnlyWhenAuthentic() {
        var body = Array(HeartbeatCodec.encode(Self.heartbeat, key: Self.key).dropLast(32))
        body[2] = 2
        let resigned = body + HMAC<SHA256>.authenticationCode(for: body, using: Self.key)
        #expect(throws: HeartbeatDrop.unsupportedVersion) { try HeartbeatCodec.decode(resigned, key: Self.key) }
    }
}

@Suite struct PeerChannelTests {
    static let key = Array(repeating: UInt8(3), count: 32)

    static func pair(bootA: UInt64 = 100, bootB: UInt64 = 200) -> (PeerChannel, PeerChannel) {
        (PeerChannel(me: "a", peer: "b", key: key, bootID: bootA), PeerChannel(me: "b", peer: "a", key: key, bootID: bootB))
    }

    static let status = NodeStatus(role: .second, epoch: 1)
    static let fingerprint = ConfigFingerprint()

    /// a and b exchange until each has verified the other.
    static func handshake(_ a: inout PeerChannel, _ b: inout PeerChannel) {
        #expect(b.open(a.seal(status, fingerprint: fingerprint)) == .hello)
        #expect(isReport(a.open(b.seal(status, fingerprint: fingerprint))))
        #expect(isReport(b.open(a.seal(status, fingerprint: fingerprint))))
    }

    static func isReport(_ received: PeerChannel.Received) -> Bool {
        if case .report = received { return true }
        return false
    }

    @Test func aMessageIsTrustedOnlyOnceItEchoesThisRun() {
        var (a, b) = Self.pair()
        Self.handshake(&a, &b)
        #expect(a.drops[.unverified] == nil)
        #expect(b.drops[.unverified] == 1)
    }

    /// b, having verified a, and two messages that a sealed after that.
    static func verifiedWithTwoMessages() -> (b: PeerChannel, first: [UInt8], second: [UInt8]) {
        var (a, b) = pair()
        handshake(&a, &b)
        return (b, a.seal(status, fingerprint: fingerprint), a.seal(status, fingerprint: fingerprint))
    }

    @Test func aReplayedOrReorderedMessageIsDropped() {
        var (b, first, second) = Self.verifiedWithTwoMessages()
        #expect(Self.isReport(b.open(second)))
        #expect(b.open(first) == .dropped(.replayed))
        #expect(b.drops[.replayed] == 1)
    }

    @Test func theSameMessageOverASecondNetworkIsADuplicateNotAReplay() {
        var (b, first, second) = Self.verifiedWithTwoMessages()
        #expect(Self.isReport(b.open(first)))
        #expect(b.open(first) == .dropped(.duplicate))
        #expect(Self.isReport(b.open(second)))
        #expect(b.open(second) == .dropped(.duplicate))
        #expect(b.open(first) == .dropped(.duplicate), "the copy over a slower network, after a newer message")
        #expect(b.drops[.duplicate] == 3)
        #expect(b.drops[.replayed] == nil)
        #expect(b.accepted == 3)
    }

    @Test func aCopyTooOldToTellFromARecordingIsAReplay() {
        var (a, b) = Self.pair()
        Self.handshake(&a, &b)
        let early = a.seal(Self.status, fingerprint: Self.fingerprint)
        #expect(Self.isReport(b.open(early)))
        for _ in 0..<63 { _ = b.open(a.seal(Self.status, fingerprint: Self.fingerprint)) }
        #expect(b.open(early) == .dropped(.duplicate), "63 messages later: still one of the last 64")
        _ = b.open(a.seal(Self.status, fingerprint: Self.fingerprint))
        #expect(b.open(early) == .dropped(.replayed))
        #expect(b.accepted == 66)
    }

    @Test func aNewRunsFirstMessagesArriveTwiceWithoutHarm() {
        var (a, b) = Self.pair()
        let hello = a.seal(Self.status, fingerprint: Self.fingerprint)
        #expect(b.open(hello) == .hello)
        #expect(b.open(hello) == .hello, "each copy only earns a reply")
        #expect(Self.isReport(a.open(b.seal(Self.status, fingerprint: Self.fingerprint))))
        let verified = a.seal(Self.status, fingerprint: Self.fingerprint)
        #expect(Self.isReport(b.open(verified)))
        #expect(b.open(verified) == .dropped(.duplicate))
        #expect(b.open(hello) == .dropped(.unverified), "the hello's copy over a slower network, after the session began")
        #expect(b.drops[.replayed] == nil)
    }

    @Test func onlyTheCurrentRunProvesANetwork() {
        var (a, b) = Self.pair()
        #expect(!b.open(a.seal(Self.status, fingerprint: Self.fingerprint)).provesLink, "a hello may be a recording")
        #expect(a.open(b.seal(Self.status, fingerprint: Self.fingerprint)).provesLink)
        let older = a.seal(Self.status, fingerprint: Self.fingerprint)
        let latest = a.seal(Self.status, fingerprint: Self.fingerprint)
        #expect(b.open(latest).provesLink)
        #expect(b.open(latest).provesLink, "a copy over a second network proves that network")
        #expect(!b.open(older).provesLink)
        #expect(!b.open(Array("DX hello".utf8)).provesLink)
    }

    @Test func aRecordingFromAnEarlierRunOfThePeerIsNeverTrusted() {
        var (a, b) = Self.pair()
        Self.handshake(&a, &b)
        let recorded = a.seal(Self.status, fingerprint: Self.fingerprint)
        // a restarts: a new run, which b must verify afresh.
        var restarted = PeerChannel(me: "a", peer: "b", key: Self.key, bootID: 101)
        #expect(b.open(restarted.seal(Self.status, fingerprint: Self.fingerprint)) == .hello)
        #expect(Self.isReport(restarted.open(b.seal(Self.status, fingerprint: Self.fingerprint))))
        #expect(Self.isReport(b.open(restarted.seal(Self.status, fingerprint: Self.fingerprint))))
        #expect(b.open(recorded) != .report(PeerReport(node: "a", status: Self.status, fingerprint: Self.fingerprint)))
        #expect(!Self.isReport(b.open(recorded)))
    }

    @Test func aRecordingMadeBeforeThisRunIsOnlyAHello() {
        var (a, b) = Self.pair()
        Self.handshake(&a, &b)
        let recorded = a.seal(Self.status, fingerprint: Self.fingerprint)
        // b restarts: the recording echoes b's earlier run.
        var restartedB = PeerChannel(me: "b", peer: "a", key: Self.key, bootID: 201)
        #expect(restartedB.open(recorded) == .hello)
    }

    @Test func anUnknownNodeIsDropped() {
        var (_, b) = Self.pair()
        var stranger = PeerChannel(me: "c", peer: "b", key: Self.key, bootID: 5)
        #expect(b.open(stranger.seal(Self.status, fingerprint: Self.fingerprint)) == .dropped(.unknownNode))
    }

    @Test func garbageIsCountedNotTrusted() {
        var (_, b) = Self.pair()
        #expect(b.open(Array("DX hello".utf8)) == .dropped(.malformed))
        #expect(b.open(Array(repeating: 0x44, count: 120)) == .dropped(.malformed))
        var forged = Array(HeartbeatCodec.encode(HeartbeatCodecTests.heartbeat, key: HeartbeatCodecTests.key))
        forged[0] = 0x44
        #expect(b.open(forged) == .dropped(.badMAC))
        #expect(b.accepted == 0)
    }
}
