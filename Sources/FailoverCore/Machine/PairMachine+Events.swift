extension PairMachine {
    mutating func apply(_ event: Event, _ effects: inout Effects) {
        let now = effects.now
        switch event {
        case .start:
            guard role == .stop, release == nil else {
                return effects.actions.append(.refuse("already running (\(role))"))
            }
            start(&effects, because: "started")
        case .stop(let exiting):
            exitWhenStopped = exitWhenStopped || exiting
            stop(&effects)
        case .swap:
            swap(&effects)
        case .forcePrim:
            forcePrim(&effects)
        case .forceSecond:
            forceSecond(&effects)
        case .tick:
            break
        case .heartbeat(let report):
            receive(report, &effects)
        case .peerRefused:
            if peer != nil, peer?.refusedAt == nil { peer?.refusedAt = now }
        case .vipPlumbed:
            guard var current = activation, current.step == .plumbing else { return }
            if let target = current.abort { return beginRelease(to: target, &effects, because: "aborted while plumbing") }
            current.step = .starting
            activation = current
            effects.actions.append(.runScript(.startPrim))
        case .vipPlumbFailed(let conflict):
            let reason: WaitReason = conflict ? .vipConflict : .vipFailed
            if activation?.step == .plumbing {
                // The VIP layer plumbs nothing when it fails, so there is nothing to release.
                activation = nil
                activeEpoch = nil
                enterWait(reason, &effects, because: conflict ? "another host answers for the VIP" : "plumbing failed")
            } else if activeEpoch != nil, release == nil {
                beginRelease(to: .wait(reason), &effects, because: "the VIP could not be plumbed again")
            }
        case .vipUnplumbed:
            if let release {
                effects.because(release.reason)
                finishRelease(&effects)
            }
        case .vipMissing:
            if activeEpoch != nil, release == nil, activation == nil {
                effects.because("the VIP was removed by someone else: plumbing it again")
                effects.actions.append(.plumbVIP(probe: false))
            }
        case .vipAppeared:
            // This node's own plumbing is under way or done while an activation or epoch exists; a
            // release in progress removes it anyway.
            if settings.hasVIP, activeEpoch == nil, activation == nil, release == nil {
                effects.because("the VIP was plumbed by someone else on a node that does not hold it: removing it")
                effects.actions.append(.cleanSlate)
            }
        case .slateCleaned:
            cleaningSlate = false
        case .interfaceDown:
            linkDown = true
        case .interfaceUp:
            linkDown = false
        case .scriptFinished(let script, let succeeded):
            scriptFinished(script, succeeded: succeeded, &effects)
        case .ownerRead(let claim):
            ownerRead(claim, &effects)
        case .ownerWritten:
            ownerWritten(&effects)
        case .ownerMismatch:
            guard var task = arbiter.task, task.writing != nil else { return }
            task.mismatches += 1
            guard task.mismatches < 4 else { return arbiterUnreachable(&effects) }
            task.writing = nil
            task.sentAt = now
            arbiter.task = task
            effects.actions.append(.readOwner)
        case .ownerUnreachable:
            if arbiter.task != nil { arbiterUnreachable(&effects) }
        case .recordsRegistered:
            guard records.inFlight else { return }
            records = RecordsProgress(pending: false, inFlight: false, failures: 0,
                                      dueAt: now + settings.reconcileInterval)
        case .recordsRejected:
            // The owner record no longer names this node's claim: settle the owner record first.
            guard records.inFlight else { return }
            records.inFlight = false
            records.pending = true
            arbiter.recorded = false
        case .recordsFailed:
            guard records.inFlight else { return }
            records.inFlight = false
            records.pending = true
            records.failures += 1
            records.dueAt = now + settings.backoff(attempt: records.failures)
        }
    }

    private mutating func start(_ effects: inout Effects, because reason: String) {
        role = .wait
        waitReason = .startup
        startupEndsAt = effects.now + settings.startupWait
        failedScript = nil
        arbiter.heardPeer = false
        effects.because(reason)
        if settings.hasVIP {
            cleaningSlate = true
            effects.actions.append(.cleanSlate)
        }
        effects.actions.append(.runScript(.prestart))
    }

    private mutating func stop(_ effects: inout Effects) {
        yielding = false
        forced = false
        if release != nil {
            release?.target = .stop
        } else if var current = activation, !current.awaitingAck {
            current.abort = .stop
            activation = current
        } else if activeEpoch != nil {
            beginRelease(to: .stop, &effects, because: "stopped by the operator")
        } else if role != .stop {
            activation = nil
            enterStop(&effects, because: "stopped by the operator")
        } else if exitWhenStopped {
            effects.actions.append(.exit)
        }
    }

    private mutating func swap(_ effects: inout Effects) {
        let peerStatus = livePeer(at: effects.now)?.status
        if activeEpoch != nil, release == nil, activation == nil {
            guard let peerStatus, peerStatus.eligible else {
                return effects.actions.append(.refuse("the peer cannot take over (\(peerStatus.map { "\($0.role)" } ?? "silent"))"))
            }
            yielding = true
            beginRelease(to: .second, &effects, because: "swap asked by the operator")
        } else if role == .second, let peerStatus, peerStatus.role.isActive {
            swapRequested = true
            effects.because("swap asked by the operator: the peer hands over")
        } else {
            effects.actions.append(.refuse("nothing to swap: this node is \(role) and the peer is "
                + (peerStatus.map { "\($0.role)" } ?? "silent")))
        }
    }

    private mutating func forcePrim(_ effects: inout Effects) {
        if let peerStatus = livePeer(at: effects.now)?.status, peerStatus.claimsService {
            return effects.actions.append(.refuse("the peer is \(peerStatus.role): use swap"))
        }
        guard activeEpoch == nil, activation == nil else {
            return effects.actions.append(.refuse("already \(role)"))
        }
        if role == .stop { start(&effects, because: "prim asked by the operator") }
        // The operator overrides what bars this node, and the arbiter too: on their word, not the server's.
        forced = true
        yielding = false
        failedScript = nil
        linkDown = false
        if role == .wait, waitReason != .startup { waitReason = nil }
        effects.because("prim asked by the operator")
    }

    private mutating func forceSecond(_ effects: inout Effects) {
        if activeEpoch != nil {
            return swap(&effects)
        }
        if role == .stop { start(&effects, because: "second asked by the operator") }
        yielding = true
        forced = false
        effects.because("second asked by the operator")
    }

    private mutating func receive(_ report: PeerReport, _ effects: inout Effects) {
        guard report.node == settings.peer else { return }
        peer = PeerView(report: report, receivedAt: effects.now)
        arbiter.heardPeer = true
        knownEpoch = max(knownEpoch, report.status.epoch)
        arbiter.peerLastEpoch = max(arbiter.peerLastEpoch, report.status.epoch)
        labels = ConfigLabel.compare(settings.fingerprint, report.fingerprint)
        if role == .wait, waitReason == .lostArbitration {
            waitReason = nil
            effects.because("heard the peer again after losing the arbitration")
        }
        if report.status.claimsService { yielding = false }
        if !report.status.role.isActive { swapRequested = false }
    }

    private mutating func scriptFinished(_ script: Script, succeeded: Bool, _ effects: inout Effects) {
        switch script {
        case .startPrim:
            guard let current = activation, current.step == .starting else { return }
            if let target = current.abort { return beginRelease(to: target, &effects, because: "aborted while starting") }
            if succeeded { return completeActivation(&effects) }
            failedScript = .startPrim
            beginRelease(to: .wait(.scriptFailed), &effects, because: "start_prim failed")
        case .prestart where !succeeded:
            failedScript = .prestart
            if activeEpoch != nil, release == nil {
                beginRelease(to: .wait(.scriptFailed), &effects, because: "prestart failed")
            } else if activation == nil, role != .stop {
                enterWait(.scriptFailed, &effects, because: "prestart failed")
            }
        default:
            break
        }
    }
}

extension Activation {
    var awaitingAck: Bool {
        if case .awaitingAck = step { return true }
        return false
    }
}

extension ConfigLabel {
    static func compare(_ mine: ConfigFingerprint, _ theirs: ConfigFingerprint) -> Set<ConfigLabel> {
        var labels: Set<ConfigLabel> = []
        if mine.identity != theirs.identity { labels.insert(.broken) }
        if mine.preference != theirs.preference { labels.insert(.conflict) }
        if mine.settings != theirs.settings { labels.insert(.unsafe) }
        return labels
    }
}
