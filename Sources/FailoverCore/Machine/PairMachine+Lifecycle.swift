/// Taking the VIP and giving it up.
extension PairMachine {
    mutating func beginActivation(peerless: Bool, acknowledged: Bool, _ effects: inout Effects, because reason: String) {
        effects.because(reason)
        activation = Activation(proposal: knownEpoch + 1, step: .awaitingAck(since: effects.now), peerless: peerless)
        if acknowledged { return proceed(&effects) }
        if !peerless { return }
        if settings.arbiter, !forced {
            activation?.step = .claiming
            startArbiter(.claim, &effects)
        } else {
            proceed(&effects)
        }
    }

    /// The peer agreed, the claim was won, or no one needs asking: plumb, then start_prim.
    mutating func proceed(_ effects: inout Effects) {
        guard var current = activation else { return }
        activeEpoch = current.proposal
        knownEpoch = max(knownEpoch, current.proposal)
        forced = false
        if settings.hasVIP {
            current.step = .plumbing
            // After the peer's answer the VIP is known to be free; taken without the peer, it may not be.
            effects.actions.append(.plumbVIP(probe: current.peerless))
        } else {
            current.step = .starting
            effects.actions.append(.runScript(.startPrim))
        }
        activation = current
    }

    mutating func completeActivation(_ effects: inout Effects) {
        guard let current = activation else { return }
        activation = nil
        waitReason = nil
        waitFailures = 0
        failbackAt = nil
        let peerStatus = livePeer(at: effects.now)?.status
        role = peerStatus?.role == .second ? .prim : .alone
        effects.because(current.peerless ? "took over without the peer" : "took over with the peer's consent")
        records = RecordsProgress(pending: true, inFlight: false, failures: 0, dueAt: effects.now)
        if current.peerless, settings.arbiter, arbiter.recorded {
            arbiter.nextConfirmAt = effects.now + settings.confirmInterval
        } else {
            arbiter.recorded = false
            arbiter.mandateUntil = nil
        }
    }

    mutating func beginRelease(to target: Release.Target, _ effects: inout Effects, because reason: String) {
        effects.because(reason)
        activation = nil
        release = Release(target: target, reason: reason)
        failbackAt = nil
        arbiter.task = nil
        arbiter.mandateUntil = nil
        arbiter.nextConfirmAt = nil
        if settings.hasVIP {
            effects.actions.append(.unplumbVIP(resetConnections: true))
        } else {
            finishRelease(&effects)
        }
    }

    mutating func finishRelease(_ effects: inout Effects) {
        guard let target = release?.target else { return }
        release = nil
        activeEpoch = nil
        arbiter.recorded = false
        records = RecordsProgress()
        effects.actions.append(.runScript(.stopPrim))
        switch target {
        case .second:
            role = .second
            waitReason = nil
            effects.actions.append(.runScript(.startSecond))
        case .wait(let reason):
            role = .wait
            waitReason = nil
            enterWait(reason, &effects, because: "\(reason)")
        case .stop:
            enterStop(&effects, because: "stopped by the operator")
        }
    }
}
