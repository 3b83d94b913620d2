internal import CPacketSocket
import Glibc

/// Link-layer and sock_diag numbers from the kernel's headers, for the files that build frames and
/// requests without importing C.
enum KernelNumbers {
    static let etherTypeARP = UInt16(ETH_P_ARP)
    static let etherTypeIPv6 = UInt16(ETH_P_IPV6)
    static let socketDiagnosticsByFamily = Int32(SOCK_DIAG_BY_FAMILY)
    static let socketDestroy = Int32(SOCK_DESTROY)
    static let tcpListen = UInt32(TCP_LISTEN)
    static let tcpProtocol = UInt8(IPPROTO_TCP)
    static let inet4 = UInt8(AF_INET)
    static let inet6 = UInt8(AF_INET6)
    static let diagnosticsRequestSize = MemoryLayout<inet_diag_req_v2>.size
    static let diagnosticsMessageSize = MemoryLayout<inet_diag_msg>.size
}

/// A raw AF_PACKET socket bound to one interface: whole Ethernet frames out, and in when `receiving`.
///
/// Closing a packet socket waits for an RCU grace period (synchronize_net, some 10 ms), and so does
/// re-binding one that was created with a protocol: sockets are opened with protocol 0 and bound
/// once, and senders are kept open by their owner rather than opened per announcement.
final class PacketSocket: Sendable {
    private let descriptor: Int32
    private let interfaceIndex: Int32
    private let etherType: UInt16

    init(interfaceIndex: Int32, etherType: UInt16, receiving: Bool) throws(VIPError) {
        let descriptor = socket(AF_PACKET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("opening a packet socket", errno) }
        // A sender binds with protocol 0, so no incoming frame is ever queued to it.
        var address = Self.linkAddress(interfaceIndex: interfaceIndex, etherType: receiving ? etherType : 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_ll>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw Self.failure("binding a packet socket", code)
        }
        self.descriptor = descriptor
        self.interfaceIndex = interfaceIndex
        self.etherType = etherType
    }

    private static func linkAddress(interfaceIndex: Int32, etherType: UInt16) -> sockaddr_ll {
        var address = sockaddr_ll()
        address.sll_family = UInt16(AF_PACKET)
        address.sll_protocol = etherType.bigEndian
        address.sll_ifindex = interfaceIndex
        return address
    }

    deinit { close(descriptor) }

    func send(_ frame: [UInt8]) throws(VIPError) {
        // The destination names the EtherType, so the kernel marks the frame's protocol as it sends it.
        var destination = Self.linkAddress(interfaceIndex: interfaceIndex, etherType: etherType)
        let sent = frame.withUnsafeBytes { bytes in
            withUnsafePointer(to: &destination) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_ll>.size))
                }
            }
        }
        guard sent == frame.count else { throw Self.failure("sending a frame", errno) }
    }

    /// The next frame, or nil when none came within `milliseconds`.
    func receive(waitingAtMost milliseconds: Int32) throws(VIPError) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, max(0, milliseconds))
        if ready == 0 || (ready < 0 && errno == EINTR) { return nil }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let length = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard length >= 0 else { throw Self.failure("receiving a frame", errno) }
        return Array(buffer.prefix(length))
    }

    private static func failure(_ operation: String, _ code: Int32) -> VIPError {
        if code == EPERM || code == EACCES { return .missingCapabilities(["CAP_NET_RAW"]) }
        if code == ENODEV || code == ENXIO { return .kernel(operation: operation, reason: "the interface is gone") }
        if code == ENETDOWN { return .kernel(operation: operation, reason: "the interface is down") }
        return .kernel(operation: operation, reason: String(cString: strerror(code)))
    }
}
