import FailoverCore
import Foundation

/// One line of JSON each way on the agent's control socket.
public struct ControlRequest: Codable, Sendable {
    public enum Command: String, Codable, Sendable, CaseIterable {
        case status, swap, stop, start, prim, second
    }

    public var command: Command

    public init(command: Command) {
        self.command = command
    }

    var event: Event? {
        switch command {
        case .status: nil
        case .swap: .swap
        case .stop: .stop(exiting: false)
        case .start: .start
        case .prim: .forcePrim
        case .second: .forceSecond
        }
    }
}

public struct ControlReply: Codable, Sendable {
    /// Nil when the command was carried out; else why the agent refused it.
    public var refused: String?
    public var status: AgentStatus
}

/// What `dnsfix status` and `/status` show of one agent.
public struct AgentStatus: Codable, Sendable, Equatable {
    public struct Peer: Codable, Sendable, Equatable {
        public var name: String
        /// Nil while the peer is silent.
        public var state: String?
        public var waitReason: String?
        public var epoch: UInt64?
        public var lastHeardMillisecondsAgo: Int64?
    }

    public struct DNS: Codable, Sendable, Equatable {
        public var name: String
        /// What the shared name should hold while this node is active.
        public var expected: [String]
        /// What the primary answers now (nil: not asked or unreachable).
        public var answers: [String]?
        public var pending: Bool
    }

    /// One heartbeat network as this node sees it.
    public struct Network: Codable, Sendable, Equatable {
        public var index: Int
        public var local: String
        public var peer: String
        /// A heartbeat of the peer arrived over it within the dead time.
        public var up: Bool
        /// Nil: nothing has arrived over it since the agent started.
        public var lastHeardMillisecondsAgo: Int64?
    }

    public var pair: String
    public var node: String
    public var state: String
    public var waitReason: String?
    public var epoch: UInt64
    public var labels: [String]
    public var holdsVIP: Bool
    public var vip: [String]
    public var peer: Peer
    public var dns: DNS?
    public var lastTransition: String?
    public var heartbeatsDropped: [String: Int]
    public var networks: [Network]
    /// Claiming, plumbing or starting the service, before the state says ALONE or PRIM (nil: an
    /// agent from before this field).
    public var takingOver: Bool?
    /// Whether the election may pick this node now: false while it starts from a clean slate or a
    /// barrier holds it in WAIT (nil: an agent from before this field).
    public var eligible: Bool?

    /// Past the clean slate of its start: the election may pick it, or a WAIT reason of its own
    /// bars it (an agent started first is then a candidate when its peer starts).
    public var isCandidate: Bool { eligible == true || waitReason != "startup" }
}

/// The client side, for the `dnsfix` admin commands: a Unix socket, one request, one reply.
public enum ControlClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func send(_ request: ControlRequest, to path: String, timeout: Double = 10) throws(Failure) -> ControlReply {
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "cannot make a socket: \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(description: "\(path): path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes + [0]) }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            throw Failure(description: "cannot reach the agent at \(path): \(String(cString: strerror(errno))) (is `dnsfix agent` running?)")
        }
        guard var line = try? JSONEncoder().encode(request) else { throw Failure(description: "cannot encode the request") }
        line.append(0x0a)
        let written = line.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
        guard written == line.count else { throw Failure(description: "cannot send to the agent at \(path)") }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(0x0a) {
            let count = read(socket, &buffer, buffer.count)
            guard count > 0 else { break }
            reply += buffer[..<count]
        }
        guard let decoded = try? JSONDecoder().decode(ControlReply.self, from: Data(reply)) else {
            throw Failure(description: "the agent at \(path) gave no answer")
        }
        return decoded
    }
}
