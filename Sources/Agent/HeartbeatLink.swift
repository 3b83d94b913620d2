import FailoverCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Heartbeats on one heartbeat network: a UDP socket bound to this node's address on it and
/// connected to the peer's address there. Connected, the kernel drops datagrams from anyone else and
/// reports the peer's host answering "port unreachable" (no agent listens: killed, crashed), which
/// the core takes as proof of a dead agent sooner than the dead time (`Event.peerRefused`).
///
/// A network fault must never stop the agent. The kernel refuses a send when there is no route, a
/// blackhole or a firewall rule, and swift-nio closes a datagram channel on most such errors; so a
/// failed send is only logged (once per outage), and a closed channel is replaced by a fresh socket.
final class HeartbeatLink: Sendable {
    typealias Channel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
    typealias Writer = NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>

    /// A socket that cannot be bound, named by its network and address, so that an address missing
    /// from this host is plain at start-up.
    struct BindFailure: Error, CustomStringConvertible {
        let description: String
    }

    let network: HeartbeatNetwork
    let port: UInt16
    let peer: SocketAddress
    private let refused: @Sendable () -> Void
    private let logger: Logger
    private let first: NIOLockedValueBox<Channel?>
    private let state = NIOLockedValueBox(SendState())

    /// Which socket is open, and whether heartbeats are failing: an outage is logged when it starts
    /// and when two sends in a row have left through the same socket again.
    private struct SendState {
        var writer: Writer?
        /// The open socket, connected to the peer once a route to it exists (a network that is down
        /// at start has none: the socket then receives, and connects at a later send).
        var channel: NIOCore.Channel?
        var connected = false
        /// A send failed on the peer host's refusal, which swift-nio answers by closing the socket:
        /// the next one opens without a word, since the refusal itself is the news.
        var closedOnRefusal = false
        var socket = 0
        var lastSentOn = -1
        var failures = 0
    }

    /// Binds the first socket: an address this node does not have is a start-up error.
    init(_ network: HeartbeatNetwork, port: UInt16, logger: Logger, refused: @escaping @Sendable () -> Void) async throws {
        self.network = network
        self.port = port
        self.logger = logger
        self.refused = refused
        let peer = try SocketAddress(ipAddress: network.peer.description, port: Int(port))
        self.peer = peer
        do {
            first = NIOLockedValueBox(try await Self.open(host: network.local.description, port: port, refused: refused))
        } catch {
            throw BindFailure(description: "heartbeat network \(network.index): cannot listen on \(network.local) "
                + "UDP port \(port) (is the address on this host?): \(error)")
        }
    }

    /// Binds every network's socket; if one fails, those already bound are closed.
    static func bindAll(_ networks: [HeartbeatNetwork], port: UInt16, logger: Logger,
                        refused: @escaping @Sendable () -> Void) async throws -> [HeartbeatLink] {
        var links: [HeartbeatLink] = []
        do {
            for network in networks { links.append(try await HeartbeatLink(network, port: port, logger: logger, refused: refused)) }
        } catch {
            for link in links { try? await link.first.withLockedValue { $0 }?.channel.close() }
            throw error
        }
        return links
    }

    private static func open(host: String, port: UInt16, refused: @escaping @Sendable () -> Void) async throws -> Channel {
        try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: Int(port)) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RefusalCatcher(refused: refused))
                    return try Channel(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Takes the kernel's "connection refused" (an ICMP port unreachable from the peer's host) out
    /// of the pipeline as a report; swift-nio keeps the socket open for it.
    private final class RefusalCatcher: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias InboundOut = AddressedEnvelope<ByteBuffer>
        let refused: @Sendable () -> Void

        init(refused: @escaping @Sendable () -> Void) {
            self.refused = refused
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            if HeartbeatLink.isRefusal(error) { return refused() }
            context.fireErrorCaught(error)
        }
    }

    static func isRefusal(_ error: Error) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        return false
    }

    private var peerText: String { "\(network.peer) (heartbeat network \(network.index))" }

    /// Connects the open socket to the peer, if it is not yet: without a route (the network down) it
    /// stays as it is, and the next send tries again.
    private func connect() async {
        guard let channel = state.withLockedValue({ $0.connected ? nil : $0.channel }) else { return }
        guard (try? await channel.connect(to: peer)) != nil else { return }
        state.withLockedValue { if $0.channel === channel { $0.connected = true } }
    }

    /// Sends one heartbeat if a socket is open; a refusal is logged, never thrown.
    func send(_ bytes: [UInt8]) async {
        await connect()
        let (writer, socket) = state.withLockedValue { ($0.writer, $0.socket) }
        // Before the receiving task has taken up the first socket there is nothing to send on yet,
        // and nothing is wrong: the next heartbeat goes out.
        guard let writer else { return socket == 0 ? () : failed("no heartbeat socket is open") }
        do {
            try await writer.write(AddressedEnvelope(remoteAddress: peer, data: ByteBuffer(bytes: bytes)))
        } catch where Self.isRefusal(error) {
            // The refusal of an earlier heartbeat, reported on this send: this one did not leave.
            state.withLockedValue { $0.closedOnRefusal = true }
            return refused()
        } catch {
            return failed("\(error)")
        }
        let recovered = state.withLockedValue { current -> Int in
            defer { current.lastSentOn = socket }
            guard current.failures > 0, current.lastSentOn == socket else { return 0 }
            defer { current.failures = 0 }
            return current.failures
        }
        if recovered > 0 { logger.notice("heartbeats to \(peerText) go out again after \(recovered) failed sends") }
    }

    private func failed(_ reason: String) {
        let failures = state.withLockedValue { current in current.failures += 1; return current.failures }
        if failures == 1 { logger.warning("heartbeats to \(peerText) cannot be sent: \(reason)") }
    }

    /// Delivers every datagram that arrives until the task is cancelled, opening a fresh socket
    /// whenever the current one closes (at most one attempt a second while binding fails).
    func receive(_ deliver: @escaping @Sendable ([UInt8]) -> Void) async {
        var channel = first.withLockedValue { current in defer { current = nil }; return current }
        while !Task.isCancelled {
            if channel == nil {
                do {
                    channel = try await Self.open(host: network.local.description, port: port, refused: refused)
                } catch {
                    failed("the heartbeat socket on \(network.local) port \(port) cannot be opened: \(error)")
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
            }
            try? await channel?.executeThenClose { inbound, outbound in
                let socket = channel?.channel
                state.withLockedValue { $0.writer = outbound; $0.channel = socket; $0.connected = false; $0.socket += 1 }
                await connect()
                defer { state.withLockedValue { $0.writer = nil; $0.channel = nil } }
                for try await envelope in inbound { deliver(Array(envelope.data.readableBytesView)) }
            }
            channel = nil
            guard !Task.isCancelled else { break }
            let onRefusal = state.withLockedValue { current in defer { current.closedOnRefusal = false }; return current.closedOnRefusal }
            if onRefusal { continue }
            // swift-nio closes a datagram socket when the kernel refuses a send (no route, blackhole).
            failed("the kernel refused a send and the socket was closed; opening a fresh one")
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
