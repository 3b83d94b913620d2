/// The rules, applied after every event: what this node should be doing now.
extension PairMachine {
    mutating func decide(_ effects: inout Effects) {
        guard role != .stop || release != nil || activation != nil else { return eligible = false }
        eligible = barrier(effects.now) == nil && role != .stop
        // A step in flight (claim, plumb, start_prim, unplumb) finishes before anything else is decided.
        if release != nil { return }
        if let current = activation, !current.awaitingAck { return }
        if activation != nil { return decideIntent(&effects) }
        if activeEpoch != nil { return decideActive(&effects) }
        decideStandby(&effects)
    }

    /// What bars this node from taking the VIP now, if anything.
    func barrier(_ now: MonotonicTime) -> WaitReason? {
        if cleaningSlate { return .startup }
        if linkDown { return .interfaceDown }
        if failedScript != nil { return .scriptFailed }
        if labels.contains(.broken), livePeer(at: now) != nil { return .brokenConfig }
        if role == .wait, let reason = waitReason {
            if reason == .lostArbitration { return reason }
            if reason.retriesAfterDelay, let retry = waitRetryAt, now < retry { return reason }
        }
        return nil
    }

    /// The preference, unless the configs disagree on it (CONFLICT): then the election ignores it.
    var effectivePreference: String? {
        labels.contains(.conflict) ? nil : settings.preference
    }

    private func electionWinner(peer status: NodeStatus) -> String? {
        Election.winner(Election.Candidate(name: settings.me, eligible: eligible, yielding: yielding),
                        Election.Candidate(name: settings.peer, eligible: status.eligible, yielding: status.yielding),
                        preference: effectivePreference)
    }

    // MARK: Not active

    private mutating func decideStandby(_ effects: inout Effects) {
        let now = effects.now
        if let reason = barrier(now) {
            return stayWaiting(reason, &effects, because: "\(reason)")
        }
        if let peerStatus = livePeer(at: now)?.status {
            if peerStatus.claimsService {
                return enterSecond(&effects, because: "the peer is \(peerStatus.role)")
            }
            if peerStatus.role == .stop {
                // A stopped peer has let the VIP go and takes it only after a fresh start-up wait.
                return beginActivation(peerless: false, acknowledged: true, &effects, because: "the peer is stopped")
            }
            if forced || electionWinner(peer: peerStatus) == settings.me {
                return beginActivation(peerless: false, acknowledged: false, &effects,
                                       because: forced ? "prim asked by the operator" : "won the election")
            }
            return enterSecond(&effects, because: "the peer won the election")
        }
        if role == .wait, waitReason == .startup, let ends = startupEndsAt, now < ends, !forced { return }
        let why = role == .wait && waitReason == .startup ? "start-up wait over, peer silent"
            : peer?.refusedAt != nil ? "the peer's host refuses heartbeats: its agent is gone" : "the peer is silent"
        beginActivation(peerless: true, acknowledged: false, &effects, because: why)
    }

    /// Intent announced; the peer must answer before this node plumbs.
    private mutating func decideIntent(_ effects: inout Effects) {
        guard let current = activation, case .awaitingAck(let since) = current.step else { return }
        guard let peerStatus = livePeer(at: effects.now)?.status else {
            activation = nil
            return decideStandby(&effects)
        }
        if peerStatus.role.isActive {
            activation = nil
            return enterSecond(&effects, because: "the peer is \(peerStatus.role)")
        }
        if peerStatus.activating {
            // Both announced: the election's loser withdraws, and its next heartbeat is the winner's answer.
            if electionWinner(peer: peerStatus) != settings.me {
                activation = nil
                enterSecond(&effects, because: "the peer takes over")
            }
            return
        }
        if peerStatus.role == .stop || peerStatus.epoch >= current.proposal {
            return proceed(&effects)
        }
        if effects.now >= since + settings.intentTimeout {
            activation = nil
            effects.because("the peer did not answer the takeover")
        }
    }

    // MARK: Active

    private mutating func decideActive(_ effects: inout Effects) {
        let now = effects.now
        if linkDown { return beginRelease(to: .wait(.interfaceDown), &effects, because: "interface down") }
        if let failedScript { return beginRelease(to: .wait(.scriptFailed), &effects, because: "\(failedScript.rawValue) failed") }
        guard let epoch = activeEpoch else { return }
        if let peerStatus = livePeer(at: now)?.status {
            if peerStatus.role.isActive,
               Election.activeWinner((settings.me, epoch), (settings.peer, peerStatus.epoch),
                                     preference: effectivePreference) == settings.peer {
                return beginRelease(to: .second, &effects, because: "the peer is active under epoch \(peerStatus.epoch)")
            }
            if peerStatus.swapRequested, peerStatus.eligible {
                yielding = true
                return beginRelease(to: .second, &effects, because: "swap asked on the peer")
            }
            if failbackDue(peerStatus, now) {
                yielding = true
                return beginRelease(to: .second, &effects, because: "failback to the preferred node \(settings.peer)")
            }
            setRole(peerStatus.role == .second ? .prim : .alone, &effects, because: "the peer is \(peerStatus.role)")
            if peerStatus.activating, settings.arbiter {
                // The peer believes this node dead: settle it at the server as if the peer were silent.
                guardWithoutPeer(&effects)
            } else {
                arbiter.mandateUntil = nil
                arbiter.nextConfirmAt = nil
                // Only an epoch the peer has heard goes to the server (see ArbiterDecision.adopt).
                if settings.arbiter, !arbiter.recorded, peerStatus.epoch >= epoch { startArbiterIfDue(.record, &effects) }
            }
        } else {
            failbackAt = nil
            setRole(.alone, &effects, because: peer?.refusedAt != nil ? "the peer's host refuses heartbeats: its agent is gone"
                                                                     : "the peer is silent")
            if settings.arbiter { guardWithoutPeer(&effects) }
        }
        if release == nil { registerRecordsIfDue(&effects) }
    }

    /// Active without the peer's word: hold the VIP only while the owner record says it is ours.
    private mutating func guardWithoutPeer(_ effects: inout Effects) {
        let now = effects.now
        guard let mandate = arbiter.mandateUntil else {
            // The peer has just gone: raise the epoch at once, so that a peer taking over loses.
            arbiter.mandateUntil = now + settings.fence
            arbiter.recorded = false
            return startArbiter(.bump, &effects)
        }
        if now >= mandate {
            return beginRelease(to: .wait(.fenced), &effects,
                                because: "no confirmation from the DNS server within the fence window")
        }
        startArbiterIfDue(arbiter.recorded ? .confirm : .bump, &effects)
    }

    private mutating func failbackDue(_ peerStatus: NodeStatus, _ now: MonotonicTime) -> Bool {
        guard effectivePreference == settings.peer, peerStatus.role == .second, peerStatus.eligible else {
            failbackAt = nil
            return false
        }
        guard let due = failbackAt else {
            failbackAt = now + settings.failbackDelay
            return false
        }
        return now >= due
    }

    private mutating func registerRecordsIfDue(_ effects: inout Effects) {
        guard settings.registersDNS, let epoch = activeEpoch, !records.inFlight,
              !settings.arbiter || arbiter.recorded, let due = records.dueAt, effects.now >= due else { return }
        records.inFlight = true
        effects.actions.append(.registerRecords(OwnerClaim(node: settings.me, epoch: epoch)))
    }

    // MARK: Roles

    mutating func setRole(_ newRole: Role, _ effects: inout Effects, because reason: String) {
        guard role != newRole || waitReason != nil else { return }
        if role != newRole || (newRole == .wait) { effects.because(reason) }
        role = newRole
        if newRole != .wait { waitReason = nil }
    }

    mutating func enterSecond(_ effects: inout Effects, because reason: String) {
        guard role != .second else { return }
        let fromStandby = role == .wait
        setRole(.second, &effects, because: reason)
        if fromStandby { effects.actions.append(.runScript(.startSecond)) }
    }

    /// A failure bars the node: WAIT with its reason. A reason that clears by itself is tried again
    /// after a back-off that grows with every failure in a row.
    mutating func enterWait(_ reason: WaitReason, _ effects: inout Effects, because why: String) {
        if reason.retriesAfterDelay {
            waitFailures += 1
            waitRetryAt = effects.now + settings.backoff(attempt: waitFailures)
        }
        stayWaiting(reason, &effects, because: why)
    }

    /// WAIT for a reason that still holds; schedules nothing.
    mutating func stayWaiting(_ reason: WaitReason, _ effects: inout Effects, because why: String) {
        if role == .wait, waitReason == reason { return }
        if role == .second { effects.actions.append(.runScript(.stopSecond)) }
        role = .wait
        waitReason = reason
        effects.because(why)
    }

    mutating func enterStop(_ effects: inout Effects, because reason: String) {
        if role == .second { effects.actions.append(.runScript(.stopSecond)) }
        role = .stop
        waitReason = nil
        effects.because(reason)
        effects.actions.append(.runScript(.poststop))
        if exitWhenStopped { effects.actions.append(.exit) }
    }
}
