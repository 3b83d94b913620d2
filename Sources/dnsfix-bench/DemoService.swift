import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The service the pair protects, for the demonstration: on each node a TCP listener on port 8080
/// (every address, so also the VIP) that answers with the node's name; and a client that asks the
/// VIP, each try bounded by a timeout, as a user would.
enum DemoService {
    static let port: UInt16 = 8080

    /// Serves `name` in `namespace` on a thread of its own until `stopped` is set.
    static func serve(_ name: String, in namespace: String, until stopped: @escaping @Sendable () -> Bool) async throws {
        let listener = try await inNamespace(namespace) { () throws -> Int32 in
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var yes: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard descriptor >= 0, bound == 0, listen(descriptor, 64) == 0 else {
                close(descriptor)
                throw TimelineError("cannot listen on port \(port) in \(namespace)")
            }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            return descriptor
        }
        let reply = Array("\(name)\n".utf8)
        Thread {
            while !stopped() {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(connection)
            }
            close(listener)
        }.start()
    }

    /// One try of the client: the name of the node that answered on `address`, or nil when nothing
    /// answered within `timeout` milliseconds. Call from a thread in the client's namespace.
    static func ask(_ address: String, timeout: Int32 = 20) -> String? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &target.sin_addr)
        _ = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&poll, 1, timeout) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
