import Testing
@testable import FailoverCore

/// One test per transition: the situation, the event, the state and the actions that follow.
@Suite struct StateMachineTests {
    @Test func stopToWaitOnStartWithCleanSlate() {
        var node = MachineDriver()
        node.on(.start)
        #expect(node.role == .wait)
        #expect(node.reason == .startup)
        #expect(node.did == [.cleanSlate, .runScript(.prestart)])
        #expect(node.last.contains(.sendHeartbeat(node.machine.status)))
    }

    @Test func nothingIsDecidedBeforeTheCleanSlateIsConfirmed() {
        var node = MachineDriver()
        node.on(.start)
        node.peer(.prim, epoch: 1)
        #expect(node.role == .wait, "a VIP an earlier run left here may still be plumbed")
        #expect(!node.machine.status.eligible)
        node.on(.slateCleaned)
        #expect(node.role == .second)
    }

    @Test func noTakeoverAfterTheStartUpWaitBeforeTheCleanSlateIsConfirmed() {
        var node = MachineDriver(MachineDriver.settings(arbiter: false))
        node.on(.start)
        node.on(.tick, after: .seconds(5))
        #expect(node.role == .wait && node.did.isEmpty)
        node.on(.slateCleaned)
        #expect(node.did == [.plumbVIP(probe: true)])
    }

    @Test func waitToSecondWhenThePeerIsActive() {
        var node = MachineDriver()
        node.secondOfPrim()
        #expect(node.role == .second)
        #expect(node.did == [.runScript(.startSecond)])
    }

    @Test func theElectionWinnerAnnouncesThenPlumbsOnlyOnThePeersAnswer() {
        var node = MachineDriver()
        node.start()
        node.peer(.wait, epoch: 0, reason: .startup)
        #expect(node.machine.status.activating)
        #expect(node.machine.status.epoch == 1)
        #expect(node.did == [], "no plumbing before the peer answers")
        node.peer(.wait, epoch: 0, reason: .startup)
        #expect(node.did == [], "an answer that has not seen the proposal is no answer")
        node.peer(.second, epoch: 1)
        #expect(node.did == [.plumbVIP(probe: false)])
        node.on(.vipPlumbed)
        #expect(node.did == [.runScript(.startPrim)])
        node.on(.scriptFinished(.startPrim, succeeded: true))
        #expect(node.role == .prim)
        #expect(node.did == [.readOwner], "the owner record is written down after the fact, with the peer's consent")
    }

    @Test func theElectionLoserStandsBy() {
        var node = MachineDriver(MachineDriver.settings(preference: "b"))
        node.start()
        node.peer(.wait, epoch: 0, reason: .startup)
        #expect(node.role == .second)
        #expect(!node.machine.status.activating)
    }

    @Test func twoAnnouncementsCrossAndTheLoserWithdraws() {
        var node = MachineDriver(MachineDriver.settings(preference: "b"))
        node.start()
        node.peer(.wait, epoch: 0, eligible: false, reason: .interfaceDown)
        #expect(node.machine.status.activating, "the preferred peer is not eligible: a takes over")
        node.peer(.wait, epoch: 1, activating: true, reason: .startup)
        #expect(!node.machine.status.activating, "b is preferred and eligible again: a withdraws")
        #expect(node.role == .second)
    }

    @Test func startupWaitOverClaimsAtTheArbiterBeforePlumbing() {
        var node = MachineDriver()
        node.start()
        node.on(.tick, after: .seconds(1))
        #expect(node.did == [.readOwner])
        node.on(.ownerRead(OwnerClaim(node: "b", epoch: 4)))
        #expect(node.did == [.writeOwner(expected: OwnerClaim(node: "b", epoch: 4), new: OwnerClaim(node: "a", epoch: 5))],
                "a node that never heard its peer takes a record naming the peer over")
        node.on(.ownerWritten)
        #expect(node.did == [.plumbVIP(probe: true)])
        node.on(.vipPlumbed)
        node.on(.scriptFinished(.startPrim, succeeded: true))
        #expect(node.role == .alone)
        #expect(node.machine.activeEpoch == 5)
        #expect(node.did == [.registerRecords(OwnerClaim(node: "a", epoch: 5))])
    }

    @Test func startupWaitOverWithoutTheArbiterPlumbsAtOnce() {
        var node = MachineDriver(MachineDriver.settings(arbiter: false))
        node.start()
        node.on(.tick, after: .seconds(1))
        #expect(node.did == [.plumbVIP(probe: true)])
    }

    @Test func secondToAloneWhenThePeerDies() {
        var node = MachineDriver()
        node.secondOfPrim()
        node.on(.tick, after: .milliseconds(299))
        #expect(node.role == .second)
        node.on(.tick, after: .milliseconds(1))
        #expect(node.did == [.readOwner])
        node.on(.ownerRead(OwnerClaim(node: "b", epoch: 1)))
        #expect(node.did == [.writeOwner(expected: OwnerClaim(node: "b", epoch: 1), new: OwnerClaim(node: "a", epoch: 2))])
        node.on(.ownerWritten)
        node.on(.vipPlumbed)
        node.on(.scriptFinished(.startPrim, succeeded: true))
        #expect(node.role == .alone)
    }

    @Test func aPeerThatBumpedItsEpochIsAliveElsewhere() {
        var node = MachineDriver()
        node.secondOfPrim()
        node.on(.tick, after: .milliseconds(300))
        node.on(.ownerRead(OwnerClaim(node: "b", epoch: 2)))
        #expect(node.role == .wait)
        #expect(node.reason == .lostArbitration)
        #expect(node.did == [.runScript(.stopSecond)])
        node.on(.tick, after: .seconds(10))
        #expect(node.reason == .lostArbitration, "no flapping: it waits to hear its peer")
        node.peer(.alone, epoch: 2)
        #expect(node.role == .second)
    }

    /// kill -9 of the active agent: its host answers the next heartbeat with "port unreachable", and
    /// once a heartbeat of the peer is overdue (1.5 intervals) the standby takes over, without waiting
    /// out the dead time.
    @Test func aRefusedHeartbeatEndsThePeerAfterOneAndAHalfIntervals() {
        var node = MachineDriver()
        node.secondOfPrim()
        node.on(.peerRefused, after: .milliseconds(20))
        #expect(node.role == .second && node.did.isEmpty, "a heartbeat of a live peer may still be on its way")
        node.on(.tick, after: .milliseconds(129))
        #expect(node.role == .second)
        node.on(.tick, after: .milliseconds(1))
        #expect(node.did == [.readOwner], "150 ms after the last heartbeat, not 300")
        #expect(node.machine.nextDeadline != nil)
    }

    @Test func aHeartbeatAfterARefusalKeepsThePeer() {
        var node = MachineDriver()
        node.secondOfPrim()
        node.on(.peerRefused, after: .milliseconds(20))
        node.peer(.prim, epoch: 1, after: .milliseconds(80))
        node.on(.tick, after: .milliseconds(100))
        #expect(node.role == .second && node.did.isEmpty, "the refusal was stale: the peer's agent answers")
        node.on(.tick, after: .milliseconds(199))
        #expect(node.role == .second)
        node.on(.tick, after: .milliseconds(1))
        #expect(node.did == [.readOwner], "silent for the dead time since its last heartbeat")
    }

    @Test func aRefusalBeforeThePeerWasEverHeardChangesNothing() {
        var node = MachineDriver()
        node.start()
        node.on(.peerRefused, after: .milliseconds(10))
        node.on(.tick, after: .milliseconds(500))
        #expect(node.role == .wait && node.reason == .startup, "the start-up wait runs its course")
    }

    /// The owner record holds an epoch from an earlier run: the new PRIM takes a higher epoch and
    /// writes it only once its peer has heard it, so that a crash in between never leaves the peer
    /// reading an epoch it never heard (which it would take for its peer alive elsewhere).
    @Test func aRecordBehindALeftoverEpochTakesTheEpochBeforeWritingIt() {
        var node = MachineDriver()
        node.plumbedWithSecond()
        node.on(.scriptFinished(.startPrim, succeeded: true))
        #expect(node.did.contains(.readOwner))
        node.on(.ownerRead(OwnerClaim(node: "b", epoch: 4)))
        #expect(node.did.isEmpty, "nothing written yet")
        #expect(node.machine.status.epoch == 5)
        #expect(node.last.contains(.sendHeartbeat(node.machine.status)), "the peer hears epoch 5 at once")
        node.peer(.second, epoch: 5)
        #expect(node.did == [.readOwner])
        node.on(.ownerRead(OwnerClaim(node: "b", epoch: 4)))
        #expect(node.did == [.writeOwner(expected: OwnerClaim(node: "b", epoch: 4), new: OwnerClaim(node: "a", epoch: 5))])
        #expect(node.role == .prim)
    }

    @Test func primToAloneBumpsTheEpochWhenThePeerGoesSilent() {
        var node = MachineDriver()
        node.primLosingItsPeer()
        #expect(node.role == .alone)
        #expect(node.did.contains(.readOwner))
        node.on(.ownerRead(OwnerClaim(node: "a", epoch: 1)))
        #expect(node.did == [.writeOwner(expected: OwnerClaim(node: "a", epoch: 1), new: OwnerClaim(node: "a", epoch: 2))])
        node.on(.ownerWritten)
        #expect(node.machine.activeEpoch == 2)
    }

    @Test func aloneStepsDownWhenItLostTheBump() {
        var node = MachineDriver()
        node.primLosingItsPeer()
        node.on(.ownerRead(OwnerClaim(node: "a", epoch: 1)))
        node.on(.ownerMismatch)
        #expect(node.did == [.readOwner])
        node.on(.ownerRead(OwnerClaim(node: "b", epoch: 2)))
        #expect(node.did == [.unplumbVIP(resetConnections: true)])
        node.on(.vipUnplumbed)
        #expect(node.reason == .lostArbitration)
        #expect(node.did == [.runScript(.stopPrim)])
    }

    @Test func aloneFencesWhenTheServerStaysUnreachable() {
        var node = MachineDriver()
        node.primLosingItsPeer()
        node.on(.ownerUnreachable, after: .milliseconds(300))
        #expect(node.role == .alone)
        node.on(.tick, after: .milliseconds(1_699))
        #expect(!node.did.contains(.unplumbVIP(resetConnections: true)))
        node.on(.tick, after: .milliseconds(1))
        #expect(node.did.contains(.unplumbVIP(resetConnections: true)), "the fence window (2 s from the loss) ran out")
        node.on(.vipUnplumbed)
        #expect(node.reason == .fenced)
    }

    @Test func aloneConfirmsOwnershipWithinTheFenceWindow() {
        var node = MachineDriver()
        node.primLosingItsPeer()
        node.on(.ownerRead(OwnerClaim(node: "a", epoch: 1)))
        node.on(.ownerWritten)
        node.on(.tick, after: ConfigDefaults.fence / 3)
        #expect(node.did == [.readOwner])
        node.on(.ownerRead(OwnerClaim(node: "b", epoch: 3)))
        #expect(node.did == [.unplumbVIP(resetConnections: true)], "someone took the pair: step down at once")
    }

    @Test func aloneToPrimWhenThePeerStandsBy() {
        var node = MachineDriver()
        node.aloneAfterStartup()
        #expect(node.role == .alone)
        node.peer(.second, epoch: 1)
        #expect(node.role == .prim)
    }

    @Test func primToSecondOnSwapUnplumbsBeforeTellingThePeer() {
        var node = MachineDriver()
        node.primWithSecond()
        node.on(.swap)
        #expect(node.did == [.unplumbVIP(resetConnections: true)])
        #expect(node.role == .prim, "still PRIM until the VIP is gone")
        node.on(.vipUnplumbed)
        #expect(node.role == .second)
        #expect(node.machine.status.yielding)
        #expect(node.did == [.runScript(.stopPrim), .runScript(.startSecond)])
    }

    @Test func primToSecondWhenThePeerIsActiveUnderAHigherEpoch() {
        var node = MachineDriver()
        node.primWithSecond()
        node.peer(.alone, epoch: 2)
        #expect(node.did == [.unplumbVIP(resetConnections: true)])
        node.on(.vipUnplumbed)
        #expect(node.role == .second)
    }

    @Test func primKeepsTheVIPAgainstALowerEpoch() {
        var node = MachineDriver()
        node.primWithSecond()
        node.peer(.alone, epoch: 0)
        #expect(node.did.isEmpty)
        #expect(node.role == .alone)
    }

    @Test func primToWaitWhenTheInterfaceGoesDown() {
        var node = MachineDriver()
        node.primWithSecond()
        node.on(.interfaceDown)
        #expect(node.did == [.unplumbVIP(resetConnections: true)])
        node.on(.vipUnplumbed)
        #expect(node.reason == .interfaceDown)
        node.on(.interfaceUp)
        node.peer(.alone, epoch: 2)
        #expect(node.role == .second)
    }

    @Test func aFailingStartPrimSendsTheNodeToWaitNotPrim() {
        var node = MachineDriver()
        node.plumbedWithSecond()
        node.on(.scriptFinished(.startPrim, succeeded: false))
        #expect(node.did == [.unplumbVIP(resetConnections: true)])
        node.on(.vipUnplumbed)
        #expect(node.reason == .scriptFailed)
        node.peer(.second, epoch: 1)
        #expect(node.reason == .scriptFailed, "it waits for the operator")
    }

    @Test func aConflictingHostBarsPlumbingThenItTriesAgain() {
        var node = MachineDriver(MachineDriver.settings(arbiter: false))
        node.start()
        node.on(.tick, after: .seconds(1))
        node.on(.vipPlumbFailed(conflict: true))
        #expect(node.reason == .vipConflict)
        #expect(node.machine.activeEpoch == nil)
        node.on(.tick, after: .milliseconds(500))
        #expect(node.did == [.plumbVIP(probe: true)])
    }

    @Test func aVIPRemovedByHandIsPlumbedAgain() {
        var node = MachineDriver()
        node.primWithSecond()
        node.on(.vipMissing)
        #expect(node.did == [.plumbVIP(probe: false)])
    }

    @Test func aVIPPlumbedByHandOnTheStandbyIsRemovedAndTheActiveNodeKeepsItsOwn() {
        var standby = MachineDriver()
        standby.secondOfPrim()
        standby.on(.vipAppeared)
        #expect(standby.did == [.cleanSlate])
        #expect(standby.role == .second)

        var active = MachineDriver()
        active.primWithSecond()
        active.on(.vipAppeared)
        #expect(active.did == [])
    }

    @Test func stopHandsOverAndExits() {
        var node = MachineDriver()
        node.primWithSecond()
        node.on(.stop(exiting: true))
        #expect(node.did == [.unplumbVIP(resetConnections: true)])
        node.on(.vipUnplumbed)
        #expect(node.role == .stop)
        #expect(node.last.last == .exit, "the STOP heartbeat leaves before the agent")
        #expect(node.last.contains(.sendHeartbeat(node.machine.status)))
    }

    @Test func aStoppedPeerIsConsentToTakeOver() {
        var node = MachineDriver()
        node.secondOfPrim()
        node.peer(.stop, epoch: 1, eligible: false)
        #expect(node.did == [.plumbVIP(probe: false)], "no announcement needed: a stopped peer has let the VIP go")
    }

    @Test func aBrokenConfigBarsTheStandby() {
        var node = MachineDriver()
        node.start()
        node.peer(.wait, epoch: 0, reason: .startup, fingerprint: ConfigFingerprint(identity: 9, preference: 2, settings: 3))
        #expect(node.reason == .brokenConfig)
        #expect(node.machine.labels == [.broken])
    }

    @Test func aConflictingPreferenceIsIgnored() {
        var node = MachineDriver(MachineDriver.settings(preference: "b"))
        node.start()
        node.peer(.wait, epoch: 0, reason: .startup, fingerprint: ConfigFingerprint(identity: 1, preference: 7, settings: 3))
        #expect(node.machine.labels == [.conflict])
        #expect(node.machine.status.activating, "without the preference, the smaller name wins")
    }

    @Test func otherDifferencesAreUnsafeButRun() {
        var node = MachineDriver()
        node.start()
        node.peer(.prim, epoch: 1, fingerprint: ConfigFingerprint(identity: 1, preference: 2, settings: 8))
        #expect(node.machine.labels == [.unsafe])
        #expect(node.role == .second)
    }

    @Test func failbackAfterTheDelayThroughASwap() {
        var node = MachineDriver(MachineDriver.settings(preference: "b"))
        node.aloneAfterStartup()
        node.peer(.second, epoch: 1)
        #expect(node.role == .prim)
        node.peer(.second, epoch: 1, after: .seconds(29))
        #expect(node.did.isEmpty)
        node.peer(.second, epoch: 1, after: .seconds(1))
        #expect(node.did == [.unplumbVIP(resetConnections: true)])
    }

    @Test func noFailbackWithoutAPreference() {
        var node = MachineDriver()
        node.primWithSecond()
        for _ in 0..<40 { node.peer(.second, epoch: 1, after: .seconds(1)) }
        #expect(node.role == .prim)
    }

    @Test func adminCommandsRefuseWithAReason() {
        var node = MachineDriver()
        node.secondOfPrim()
        node.on(.forcePrim)
        #expect(node.did == [.refuse("the peer is PRIM: use swap")])
        node.on(.start)
        #expect(node.did == [.refuse("already running (SECOND)")])
        node.on(.swap)
        #expect(node.did.isEmpty)
        #expect(node.machine.status.swapRequested, "a swap asked on the standby goes to the active peer")
    }

    @Test func theDNSServerDownDoesNotStopTheActiveNodeWithItsPeer() {
        var node = MachineDriver()
        node.plumbedWithSecond()
        node.on(.scriptFinished(.startPrim, succeeded: true))
        node.on(.ownerUnreachable)
        #expect(node.role == .prim)
        #expect(node.machine.dnsPending)
        node.peer(.second, epoch: 1, after: .milliseconds(300))
        #expect(node.did.isEmpty, "not before the backoff")
        node.peer(.second, epoch: 1, after: .milliseconds(200))
        #expect(node.did == [.readOwner], "retried after 500 ms")
        node.on(.ownerRead(nil))
        node.on(.ownerWritten)
        #expect(node.did == [.registerRecords(OwnerClaim(node: "a", epoch: 1))])
        node.on(.recordsRegistered)
        #expect(!node.machine.dnsPending)
    }

    @Test func anUnreachableArbiterIsAskedAgainWithAGrowingBackOff() {
        var node = MachineDriver()
        node.start()
        node.on(.tick, after: .seconds(1))
        var gaps: [Int64] = []
        var askedAt = node.now
        for _ in 0..<4 {
            node.on(.ownerUnreachable, after: .milliseconds(10))
            #expect(node.reason == .dnsUnreachable)
            for _ in 0..<200 where !node.did.contains(.readOwner) { node.on(.tick, after: .milliseconds(50)) }
            gaps.append((node.now - askedAt).milliseconds)
            askedAt = node.now
        }
        #expect(gaps == [510, 1010, 2010, 4010], "500 ms, doubling with every failure in a row (up to 8 s)")
    }

    @Test func theFunctionalEntryPointLeavesItsInputAlone() {
        let machine = PairMachine(settings: MachineDriver.settings())
        let (next, actions) = PairMachine.step(machine, .start, at: .zero)
        #expect(machine.role == .stop)
        #expect(next.role == .wait)
        #expect(actions.contains(.cleanSlate))
    }
}
