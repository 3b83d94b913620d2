import DNSModel

/// Destroys the TCP connections whose local address is the VIP, as `ss -K` does (sock_diag
/// SOCK_DESTROY), so that clients fail fast instead of waiting for retransmissions to time out.
/// Listening sockets are kept: the service goes on listening.
enum ConnectionReset {
    static func resetConnections(from address: IPAddress) throws(VIPError) -> Int {
        let diagnostics = try NetlinkSocket(.socketDiagnostics)
        let everyStateButListen = UInt32.max & ~(1 << KernelNumbers.tcpListen)
        try diagnostics.send(type: KernelNumbers.socketDiagnosticsByFamily,
                             flags: NetlinkSocket.Numbers.requestFlag | NetlinkSocket.Numbers.dumpFlag,
                             payload: request(family: address.family, states: everyStateButListen, socketID: nil))
        var socketIDs: [ArraySlice<UInt8>] = []
        dump: for _ in 0..<100_000 {
            guard let datagram = try diagnostics.receive(waitingAtMost: 2000) else {
                throw .kernel(operation: "listing connections", reason: "the kernel did not answer within 2 s")
            }
            for message in NetlinkMessage.split(datagram) {
                if message.type == NetlinkSocket.Numbers.done { break dump }
                if let code = message.errorCode, code != 0 {
                    throw .kernel(operation: "listing connections", reason: "error \(-code)")
                }
                let payload = Array(message.payload)
                guard payload.count >= KernelNumbers.diagnosticsMessageSize else { continue }
                // inet_diag_msg: family, state, timer, retrans, then the 48-byte socket id whose
                // source address starts at its byte 4.
                let local = payload[8..<(8 + address.bytes.count)]
                if local.elementsEqual(address.bytes) { socketIDs.append(message.payload.dropFirst(4).prefix(48)) }
            }
        }
        var destroyed = 0
        for socketID in socketIDs {
            try diagnostics.send(type: KernelNumbers.socketDestroy,
                                 flags: NetlinkSocket.Numbers.requestFlag | NetlinkSocket.Numbers.acknowledgeFlag,
                                 payload: request(family: address.family, states: .max, socketID: socketID))
            switch diagnostics.waitForAcknowledgement() {
            case 0: destroyed += 1
            case NetlinkSocket.Numbers.notFound: continue  // closed meanwhile
            case NetlinkSocket.Numbers.operationNotSupported: throw .resetUnsupported
            case NetlinkSocket.Numbers.notPermitted: throw .missingCapabilities(["CAP_NET_ADMIN"])
            case let code: throw NetlinkSocket.failure("destroying a connection from \(address)", code)
            }
        }
        return destroyed
    }

    /// inet_diag_req_v2: family, protocol, extensions, padding, state mask, socket id.
    static func request(family: IPAddress.Family, states: UInt32, socketID: ArraySlice<UInt8>?) -> [UInt8] {
        var bytes: [UInt8] = [family == .v4 ? KernelNumbers.inet4 : KernelNumbers.inet6, KernelNumbers.tcpProtocol, 0, 0]
        bytes += [UInt8(states & 0xff), UInt8(states >> 8 & 0xff), UInt8(states >> 16 & 0xff), UInt8(states >> 24)]
        bytes += socketID.map(Array.init) ?? [UInt8](repeating: 0, count: 48)
        return bytes + [UInt8](repeating: 0, count: max(0, KernelNumbers.diagnosticsRequestSize - bytes.count))
    }
}
