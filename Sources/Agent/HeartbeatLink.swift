import NIOCore
import NIOPosix

/// Heartbeats on the wire: one UDP socket bound to this node's address, sending to the peer's.
struct HeartbeatLink: Sendable {
    typealias Channel = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    let channel: Channel
    let peer: SocketAddress

    static func bind(host: String, port: UInt16, peerHost: String) async throws -> HeartbeatLink {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: Int(port)) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Channel(wrappingChannelSynchronously: channel)
                }
            }
        return HeartbeatLink(channel: channel, peer: try SocketAddress(ipAddress: peerHost, port: Int(port)))
    }
}
