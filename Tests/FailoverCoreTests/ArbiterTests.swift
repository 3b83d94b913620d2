import Testing
@testable import FailoverCore

@Suite struct ArbiterTests {
    static func standing(known: UInt64 = 3, active: UInt64? = nil, peerActive: UInt64 = 3, standsBy: Bool = false,
                         steal: Bool = false) -> Arbiter.Standing {
        Arbiter.Standing(me: "a", knownEpoch: known, activeEpoch: active, peerLastEpoch: peerActive,
                         peerStandsBy: standsBy, stealUnknown: steal)
    }

    static let peerAt3 = OwnerClaim(node: "b", epoch: 3)
    static let peerAt4 = OwnerClaim(node: "b", epoch: 4)

    @Test func aClaimReplacesTheLastOwnerItKnew() {
        #expect(Arbiter.decide(.claim, read: Self.peerAt3, Self.standing())
                == .write(expected: Self.peerAt3, new: OwnerClaim(node: "a", epoch: 4)))
        #expect(Arbiter.decide(.claim, read: nil, Self.standing()) == .write(expected: nil, new: OwnerClaim(node: "a", epoch: 4)))
    }

    @Test func aClaimLosesToAPeerThatRaisedItsEpoch() {
        #expect(Arbiter.decide(.claim, read: Self.peerAt4, Self.standing()) == .lost(Self.peerAt4))
        #expect(Arbiter.decide(.claim, read: Self.peerAt4, Self.standing(known: 0, peerActive: 0, steal: true))
                == .write(expected: Self.peerAt4, new: OwnerClaim(node: "a", epoch: 5)), "unheard since start: take over")
    }

    @Test func aBumpLosesToAnyPeerRecordOfItsTermOrLater() {
        #expect(Arbiter.decide(.bump, read: Self.peerAt3, Self.standing(active: 3)) == .lost(Self.peerAt3))
        #expect(Arbiter.decide(.bump, read: OwnerClaim(node: "b", epoch: 2), Self.standing(active: 3))
                == .write(expected: OwnerClaim(node: "b", epoch: 2), new: OwnerClaim(node: "a", epoch: 4)))
        #expect(Arbiter.decide(.bump, read: OwnerClaim(node: "a", epoch: 3), Self.standing(active: 3))
                == .write(expected: OwnerClaim(node: "a", epoch: 3), new: OwnerClaim(node: "a", epoch: 4)))
    }

    @Test func aRecordOverwritesALeftoverOnlyWhileThePeerStandsBy() {
        #expect(Arbiter.decide(.record, read: Self.peerAt4, Self.standing(active: 3, standsBy: true)) == .adopt(epoch: 5),
                "the epoch goes up here first, and to the server once the peer has heard it")
        #expect(Arbiter.decide(.record, read: Self.peerAt4, Self.standing(active: 5, standsBy: true))
                == .write(expected: Self.peerAt4, new: OwnerClaim(node: "a", epoch: 5)))
        #expect(Arbiter.decide(.record, read: OwnerClaim(node: "a", epoch: 7), Self.standing(active: 3)) == .adopt(epoch: 8),
                "this node's own record from before a restart")
        #expect(Arbiter.decide(.record, read: Self.peerAt4, Self.standing(active: 3)) == .lost(Self.peerAt4))
        #expect(Arbiter.decide(.record, read: OwnerClaim(node: "a", epoch: 3), Self.standing(active: 3)) == .confirmed)
    }

    @Test func aConfirmationWantsExactlyThisTerm() {
        #expect(Arbiter.decide(.confirm, read: OwnerClaim(node: "a", epoch: 3), Self.standing(active: 3)) == .confirmed)
        #expect(Arbiter.decide(.confirm, read: OwnerClaim(node: "a", epoch: 2), Self.standing(active: 3))
                == .lost(OwnerClaim(node: "a", epoch: 2)))
        #expect(Arbiter.decide(.confirm, read: Self.peerAt4, Self.standing(active: 3)) == .lost(Self.peerAt4))
    }

    @Test func theOwnerRecordText() throws {
        let claim = OwnerClaim(node: "node-a", epoch: 12)
        #expect(claim.text == "node=node-a epoch=12")
        #expect(OwnerClaim(text: claim.text) == claim)
        #expect(OwnerClaim(text: "epoch=3") == nil)
        #expect(try OwnerClaim.recordName(for: .init("app.example.test.")).text == "_dnsfix-owner.app.example.test.")
    }
}

@Suite struct ElectionTests {
    typealias Candidate = Election.Candidate

    @Test func theRules() {
        let a = Candidate(name: "a", eligible: true), b = Candidate(name: "b", eligible: true)
        #expect(Election.winner(a, b, preference: nil) == "a", "the smaller name")
        #expect(Election.winner(b, a, preference: nil) == "a", "whichever node computes it")
        #expect(Election.winner(a, b, preference: "b") == "b")
        #expect(Election.winner(a, Candidate(name: "b", eligible: false), preference: "b") == "a", "only the eligible")
        #expect(Election.winner(Candidate(name: "a", eligible: true, yielding: true), b, preference: "a") == "b")
        #expect(Election.winner(Candidate(name: "a", eligible: true, yielding: true), Candidate(name: "b", eligible: false),
                                preference: nil) == "a", "a yielding node takes it when nobody else can")
        #expect(Election.winner(Candidate(name: "a", eligible: false), Candidate(name: "b", eligible: false), preference: nil) == nil)
    }

    @Test func ofTwoActiveNodesTheHigherEpochStays() {
        #expect(Election.activeWinner(("a", 3), ("b", 4), preference: "a") == "b")
        #expect(Election.activeWinner(("a", 4), ("b", 4), preference: "b") == "b")
        #expect(Election.activeWinner(("a", 4), ("b", 4), preference: nil) == "a")
    }
}
