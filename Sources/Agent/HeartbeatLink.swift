import FailoverCore
import Logging
import NIOCore
import NIOPosix

/// Heartbeats on one heartbeat network: a UDP socket bound to this node's address on it, sending to
/// the peer's address there.
struct HeartbeatLink: Sendable {
    typealias Channel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    /// A socket that cannot be bound, named by its network and address, so that an address missing
    /// from this host is plain at start-up.
    struct BindFailure: Error, CustomStringConvertible {
        let description: String
    }

    let network: HeartbeatNetwork
    let channel: Channel
    let peer: SocketAddress

    static func bind(_ network: HeartbeatNetwork, port: UInt16) async throws -> HeartbeatLink {
        let channel: Channel
        do {
            channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: network.local.description, port: Int(port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Channel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw BindFailure(description: "heartbeat network \(network.index): cannot listen on \(network.local) "
                + "UDP port \(port) (is the address on this host?): \(error)")
        }
        return HeartbeatLink(network: network, channel: channel,
                             peer: try SocketAddress(ipAddress: network.peer.description, port: Int(port)))
    }

    /// Binds every network's socket; if one fails, those already bound are closed.
    static func bindAll(_ networks: [HeartbeatNetwork], port: UInt16) async throws -> [HeartbeatLink] {
        var links: [HeartbeatLink] = []
        do {
            for network in networks { links.append(try await bind(network, port: port)) }
        } catch {
            for link in links { try? await link.channel.channel.close() }
            throw error
        }
        return links
    }
}

extension HeartbeatLink {
    /// A link whose socket is open for reading and writing.
    struct Opened: Sendable {
        let link: HeartbeatLink
        let inbound: NIOAsyncChannelInboundStream<AddressedEnvelope<ByteBuffer>>
        let outbound: NIOAsyncChannelOutboundWriter<AddressedEnvelope<ByteBuffer>>

        func send(_ bytes: [UInt8]) async throws {
            try await outbound.write(AddressedEnvelope(remoteAddress: link.peer, data: ByteBuffer(bytes: bytes)))
        }
    }

    /// Opens every link, runs `body`, and closes them all afterwards, also when `body` throws.
    static func open(_ links: ArraySlice<HeartbeatLink>, opened: [Opened] = [],
                     _ body: ([Opened]) async throws -> Void) async throws {
        guard let link = links.first else { return try await body(opened) }
        try await link.channel.executeThenClose { inbound, outbound in
            try await open(links.dropFirst(), opened: opened + [Opened(link: link, inbound: inbound, outbound: outbound)], body)
        }
    }
}

extension HeartbeatLink {
    /// Sends one heartbeat on every network. A network that fails is logged and skipped, since the
    /// others may still carry it; only when every network fails is it an error, as with one.
    static func send(_ bytes: [UInt8], on links: [Opened], logger: Logger) async throws {
        var failures: [any Error] = []
        for link in links {
            do {
                try await link.send(bytes)
            } catch {
                logger.debug("heartbeat network \(link.link.network.index): cannot send to \(link.link.network.peer): \(error)")
                failures.append(error)
            }
        }
        if failures.count == links.count, let first = failures.first { throw first }
    }
}
