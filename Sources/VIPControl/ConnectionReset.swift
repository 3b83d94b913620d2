import DNSModel
import Glibc

/// Destroys the TCP connections whose local address is the VIP, as `ss -K` does (sock_diag
/// SOCK_DESTROY), so that clients fail fast instead of waiting for retransmissions to time out.
/// Listening sockets are kept: the service goes on listening.
enum ConnectionReset {
    static func resetConnections(from address: IPAddress) throws(VIPError) -> Int {
        let diagnostics = try NetlinkSocket(.socketDiagnostics)
        // A dual-stack listener's IPv4 connections are AF_INET6 sockets with a v4-mapped address.
        var wanted: [(family: IPAddress.Family, local: [UInt8])] = [(address.family, address.bytes)]
        if address.family == .v4 { wanted.append((.v6, [UInt8](repeating: 0, count: 10) + [0xff, 0xff] + address.bytes)) }
        var connections: [(family: IPAddress.Family, socketID: ArraySlice<UInt8>)] = []
        for (family, local) in wanted {
            connections += try connectionIDs(family: family, local: local, through: diagnostics).map { (family, $0) }
        }
        var destroyed = 0
        for connection in connections {
            try diagnostics.send(type: KernelNumbers.socketDestroy,
                                 flags: NetlinkSocket.Numbers.requestFlag | NetlinkSocket.Numbers.acknowledgeFlag,
                                 payload: request(family: connection.family, states: .max, socketID: connection.socketID))
            switch try acknowledgement(from: diagnostics) {
            case 0: destroyed += 1
            case -ENOENT: continue  // closed meanwhile
            case -EOPNOTSUPP: throw .resetUnsupported
            case -EPERM: throw .missingCapabilities(["CAP_NET_ADMIN"])
            case let code: throw .kernel(operation: "destroying a connection from \(address)", reason: String(cString: strerror(-code)))
            }
        }
        return destroyed
    }

    /// The socket ids of the family's TCP sockets (listeners left out) whose local address is `local`.
    private static func connectionIDs(family: IPAddress.Family, local: [UInt8], through diagnostics: NetlinkSocket) throws(VIPError) -> [ArraySlice<UInt8>] {
        let everyStateButListen = UInt32.max & ~(1 << KernelNumbers.tcpListen)
        try diagnostics.send(type: KernelNumbers.socketDiagnosticsByFamily,
                             flags: NetlinkSocket.Numbers.requestFlag | NetlinkSocket.Numbers.dumpFlag,
                             payload: request(family: family, states: everyStateButListen, socketID: nil))
        var found: [ArraySlice<UInt8>] = []
        for _ in 0..<100_000 {
            guard let datagram = try diagnostics.receive(waitingAtMost: 2000) else {
                throw .kernel(operation: "listing connections", reason: "the kernel did not answer within 2 s")
            }
            for message in NetlinkMessage.split(datagram) {
                if message.type == NetlinkSocket.Numbers.done { return found }
                if let code = message.errorCode, code != 0 {
                    throw .kernel(operation: "listing connections", reason: String(cString: strerror(-code)))
                }
                let payload = Array(message.payload)
                guard payload.count >= KernelNumbers.diagnosticsMessageSize else { continue }
                // inet_diag_msg: family, state, timer, retrans, then the 48-byte socket id whose
                // source address starts at its byte 4.
                if payload[8..<(8 + local.count)].elementsEqual(local) { found.append(message.payload.dropFirst(4).prefix(48)) }
            }
        }
        return found
    }

    /// The error code of the kernel's acknowledgement: 0, or a negative errno.
    private static func acknowledgement(from diagnostics: NetlinkSocket) throws(VIPError) -> Int32 {
        for _ in 0..<16 {
            guard let datagram = try diagnostics.receive(waitingAtMost: 2000) else { break }
            if let code = NetlinkMessage.split(datagram).lazy.compactMap(\.errorCode).first { return code }
        }
        throw .kernel(operation: "destroying a connection", reason: "the kernel did not acknowledge within 2 s")
    }

    /// inet_diag_req_v2: family, protocol, extensions, padding, state mask, socket id.
    static func request(family: IPAddress.Family, states: UInt32, socketID: ArraySlice<UInt8>?) -> [UInt8] {
        var bytes: [UInt8] = [family == .v4 ? KernelNumbers.inet4 : KernelNumbers.inet6, KernelNumbers.tcpProtocol, 0, 0]
        bytes += [UInt8(states & 0xff), UInt8(states >> 8 & 0xff), UInt8(states >> 16 & 0xff), UInt8(states >> 24)]
        bytes += socketID.map(Array.init) ?? [UInt8](repeating: 0, count: 48)
        return bytes + [UInt8](repeating: 0, count: max(0, KernelNumbers.diagnosticsRequestSize - bytes.count))
    }
}
