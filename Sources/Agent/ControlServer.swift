import Foundation
import NIOCore
import NIOPosix

/// The agent's control socket: a Unix socket that only root may open, one JSON line in, one out.
struct ControlServer: Sendable {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>
    typealias Listener = NIOAsyncChannel<Connection, Never>

    let listener: Listener

    static func bind(path: String) async throws -> ControlServer {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
            }
        chmod(path, 0o600)
        return ControlServer(listener: listener)
    }

    /// Serves until cancelled; `answer` turns a request line into a reply line.
    func serve(_ answer: @escaping @Sendable ([UInt8]) async -> [UInt8]) async throws {
        try await listener.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    group.addTask {
                        try? await connection.executeThenClose { input, output in
                            var line: [UInt8] = []
                            for try await chunk in input {
                                line += chunk.readableBytesView
                                if line.contains(0x0a) || line.count > 65_536 { break }
                            }
                            let reply = await answer(Array(line.prefix { $0 != 0x0a }))
                            try await output.write(ByteBuffer(bytes: reply + [0x0a]))
                        }
                    }
                }
            }
        }
    }
}
