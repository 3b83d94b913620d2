import Testing
@testable import FailoverCore

@Suite struct NetworkLivenessTests {
    static func at(_ milliseconds: Int64) -> MonotonicTime { MonotonicTime(.milliseconds(milliseconds)) }

    @Test func aNetworkIsUpFromItsFirstHeartbeatUntilTheDeadTimePassesInSilence() {
        var liveness = NetworkLiveness(networks: 2, deadTime: .milliseconds(300))
        #expect(liveness.isUp == [false, false])
        #expect(liveness.nextDeadline == nil, "nothing to wait for while no network is up")
        #expect(liveness.heard(on: 0, at: Self.at(100)) == .init(network: 0, up: true))
        #expect(liveness.heard(on: 1, at: Self.at(110)) == .init(network: 1, up: true))
        #expect(liveness.heard(on: 0, at: Self.at(200)) == nil, "one line when it comes up, not one per heartbeat")
        #expect(liveness.nextDeadline == Self.at(410))
        #expect(liveness.expire(at: Self.at(409)).isEmpty)
        #expect(liveness.expire(at: Self.at(410)) == [.init(network: 1, up: false)])
        #expect(liveness.expire(at: Self.at(450)).isEmpty, "a network goes down once")
        #expect(liveness.isUp == [true, false])
        #expect(liveness.lastHeard == [Self.at(200), Self.at(110)])
        #expect(liveness.nextDeadline == Self.at(500))
        #expect(liveness.heard(on: 1, at: Self.at(460)) == .init(network: 1, up: true), "and comes back")
        #expect(liveness.expire(at: Self.at(900)) == [.init(network: 0, up: false), .init(network: 1, up: false)])
    }

    @Test func aReloadedDeadTimeAppliesAtOnce() {
        var liveness = NetworkLiveness(networks: 1, deadTime: .milliseconds(300))
        _ = liveness.heard(on: 0, at: Self.at(0))
        liveness.deadTime = .seconds(1)
        #expect(liveness.expire(at: Self.at(500)).isEmpty)
        #expect(liveness.nextDeadline == Self.at(1_000))
    }
}
