/// The owner record at the DNS server: claims, bumps, confirmations and records of the epoch.
extension PairMachine {
    mutating func startArbiter(_ purpose: ArbiterPurpose, _ effects: inout Effects) {
        arbiter.task = ArbiterProgress.Task(purpose: purpose, writing: nil, sentAt: effects.now)
        arbiter.retryAt = nil
        effects.actions.append(.readOwner)
    }

    mutating func startArbiterIfDue(_ purpose: ArbiterPurpose, _ effects: inout Effects) {
        guard arbiter.task == nil else { return }
        if let retry = arbiter.retryAt, effects.now < retry { return }
        if purpose == .confirm, let next = arbiter.nextConfirmAt, effects.now < next, arbiter.retryAt == nil { return }
        startArbiter(purpose, &effects)
    }

    mutating func ownerRead(_ claim: OwnerClaim?, _ effects: inout Effects) {
        guard var task = arbiter.task, task.writing == nil else { return }
        let peerStatus = livePeer(at: effects.now)?.status
        let standing = Arbiter.Standing(
            me: settings.me, knownEpoch: knownEpoch, activeEpoch: activeEpoch, peerLastEpoch: arbiter.peerLastEpoch,
            peerStandsBy: peerStatus.map { !$0.claimsService } ?? false,
            stealUnknown: !arbiter.heardPeer && task.mismatches == 0)
        let decision = Arbiter.decide(task.purpose, read: claim, standing)
        if let claim { knownEpoch = max(knownEpoch, claim.epoch) }
        switch decision {
        case .write(let expected, let new):
            task.writing = new
            task.sentAt = effects.now
            arbiter.task = task
            effects.actions.append(.writeOwner(expected: expected, new: new))
        case .confirmed:
            arbiterSucceeded(task, epoch: claim?.epoch, &effects)
        case .lost(let owner):
            arbiterLost(task, owner: owner, &effects)
        case .adopt(let epoch):
            arbiter.task = nil
            knownEpoch = max(knownEpoch, epoch)
            if activeEpoch != nil { activeEpoch = epoch }
        }
    }

    mutating func ownerWritten(_ effects: inout Effects) {
        guard let task = arbiter.task, let written = task.writing else { return }
        knownEpoch = max(knownEpoch, written.epoch)
        arbiterSucceeded(task, epoch: written.epoch, &effects)
    }

    private mutating func arbiterSucceeded(_ task: ArbiterProgress.Task, epoch: UInt64?, _ effects: inout Effects) {
        arbiter.task = nil
        arbiter.failures = 0
        arbiter.retryAt = nil
        arbiter.recorded = true
        switch task.purpose {
        case .claim:
            guard var current = activation, current.step == .claiming else { return }
            current.proposal = epoch ?? current.proposal
            activation = current
            arbiter.mandateUntil = task.sentAt + settings.fence
            effects.because("won the pair at the DNS arbiter")
            proceed(&effects)
        case .bump, .confirm:
            if let epoch, activeEpoch != nil { activeEpoch = epoch }
            arbiter.mandateUntil = task.sentAt + settings.fence
            arbiter.nextConfirmAt = effects.now + settings.confirmInterval
        case .record:
            if let epoch, activeEpoch != nil { activeEpoch = epoch }
        }
    }

    private mutating func arbiterLost(_ task: ArbiterProgress.Task, owner: OwnerClaim, _ effects: inout Effects) {
        arbiter.task = nil
        arbiter.failures = 0
        let why = "the DNS arbiter names \(owner)"
        if task.purpose == .claim {
            activation = nil
            enterWait(.lostArbitration, &effects, because: why)
        } else if activeEpoch != nil, release == nil {
            beginRelease(to: .wait(.lostArbitration), &effects, because: why)
        }
    }

    mutating func arbiterUnreachable(_ effects: inout Effects) {
        guard let task = arbiter.task else { return }
        arbiter.task = nil
        arbiter.failures += 1
        arbiter.retryAt = effects.now + settings.backoff(attempt: arbiter.failures)
        if task.purpose == .claim {
            activation = nil
            enterWait(.dnsUnreachable, &effects, because: "the DNS server cannot be reached to claim the pair")
        }
    }
}
