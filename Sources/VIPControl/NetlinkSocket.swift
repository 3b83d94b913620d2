internal import CNetlinkRoute
import DNSModel
import Glibc

/// One interface as the kernel reports it.
struct LinkState: Equatable, Sendable {
    var index: Int32
    var name: String
    var mac: MACAddress?
    var up: Bool
    var carrier: Bool
}

/// One address plumbed on an interface.
struct InterfaceAddress: Equatable, Sendable {
    var address: IPAddress
    var prefixLength: Int
    var interfaceIndex: Int32
    var interface: String
    var label: String?
    /// IFA_F_NODAD: dnsfix plumbs IPv6 VIPs without the kernel's own DAD, having probed first.
    var withoutKernelDAD: Bool
    /// IFA_PROTO: who added the address (0 when unknown).
    var addressProtocol: UInt8
}

/// A libnl socket, the only owner of libnl pointers: route requests, sock_diag requests, and
/// multicast subscriptions. Works in the network namespace of the thread that created it.
final class NetlinkSocket {
    enum Kind { case route, socketDiagnostics }

    private let handle: OpaquePointer

    init(_ kind: Kind) throws(VIPError) {
        guard let handle = nl_socket_alloc() else { throw .kernel(operation: "netlink", reason: "out of memory") }
        // Some replies are read raw (nl_recv), so libnl never learns to expect the next sequence
        // number; requests on one socket are strictly one after another anyway.
        nl_socket_disable_seq_check(handle)
        let code = nl_connect(handle, kind == .route ? NETLINK_ROUTE : NETLINK_SOCK_DIAG)
        if code < 0 {
            nl_socket_free(handle)
            throw Self.failure("opening a netlink socket", code)
        }
        self.handle = handle
    }

    deinit {
        nl_close(handle)
        nl_socket_free(handle)
    }

    // MARK: links

    func link(named name: String) throws(VIPError) -> LinkState {
        try link(index: 0, name: name)
    }

    func link(index: Int32) throws(VIPError) -> LinkState {
        try link(index: index, name: nil)
    }

    private func link(index: Int32, name: String?) throws(VIPError) -> LinkState {
        var link: OpaquePointer?
        let code = rtnl_link_get_kernel(handle, index, name, &link)
        let shown = name ?? "with index \(index)"
        guard code >= 0, let link else {
            if code == -NLE_OBJ_NOTFOUND || code == -NLE_NODEV || code == -NLE_INVAL { throw .noSuchInterface(shown) }
            throw Self.failure("reading interface \(shown)", code)
        }
        defer { rtnl_link_put(link) }
        let flags = rtnl_link_get_flags(link)
        return LinkState(index: rtnl_link_get_ifindex(link), name: String(cString: rtnl_link_get_name(link)),
                         mac: rtnl_link_get_addr(link).flatMap { MACAddress(bytes: Self.bytes(of: $0)) },
                         up: flags & UInt32(IFF_UP) != 0, carrier: rtnl_link_get_carrier(link) != 0)
    }

    // MARK: addresses

    /// Every address of the host, read raw because libnl 3.7 does not know IFA_PROTO.
    func addresses() throws(VIPError) -> [InterfaceAddress] {
        try send(type: Int32(RTM_GETADDR), flags: NLM_F_REQUEST | NLM_F_DUMP, payload: [UInt8](repeating: 0, count: 8))
        var entries: [InterfaceAddress] = []
        dump: for _ in 0..<100_000 {
            guard let datagram = try receive(waitingAtMost: 2000) else {
                throw .kernel(operation: "listing addresses", reason: "the kernel did not answer within 2 s")
            }
            for message in NetlinkMessage.split(datagram) {
                if message.type == Numbers.done { break dump }
                if let code = message.errorCode, code != 0 {
                    throw .kernel(operation: "listing addresses", reason: String(cString: strerror(-code)))
                }
                if message.type == Numbers.newAddress, let entry = InterfaceAddress(message) { entries.append(entry) }
            }
        }
        // Names only after the dump: a request sent in the middle would read the dump's replies.
        var names: [Int32: String] = [:]
        for index in Set(entries.map(\.interfaceIndex)) { names[index] = try link(index: index).name }
        return entries.map { entry in
            var named = entry
            named.interface = names[entry.interfaceIndex]!
            return named
        }
    }

    /// Adds the address; false when the interface already has it.
    func add(_ placement: VIPPlacement, interfaceIndex: Int32) throws(VIPError) -> Bool {
        let entry = try Self.addressObject(placement.address, prefixLength: placement.prefixLength, interfaceIndex: interfaceIndex)
        defer { rtnl_addr_put(entry) }
        if let label = placement.label { rtnl_addr_set_label(entry, label) }
        if placement.address.family == .v6 { rtnl_addr_set_flags(entry, UInt32(IFA_F_NODAD)) }
        // rtnl_addr_add's request, plus IFA_PROTO: the mark that says dnsfix plumbed it (kernel 6.3+).
        var request: OpaquePointer?
        var code = rtnl_addr_build_add_request(entry, NLM_F_CREATE | NLM_F_EXCL, &request)
        if code >= 0, let request {
            code = nla_put_u8(request, Int32(IFA_PROTO), Numbers.dnsfixProtocol)
            if code < 0 { nlmsg_free(request) } else { code = nl_send_sync(handle, request) }  // which frees it
        }
        if code == -NLE_EXIST { return false }
        guard code >= 0 else { throw Self.failure("adding \(placement)", code) }
        return true
    }

    /// Deletes the address; false when the interface did not have it.
    func delete(_ address: InterfaceAddress) throws(VIPError) -> Bool {
        let entry = try Self.addressObject(address.address, prefixLength: address.prefixLength, interfaceIndex: address.interfaceIndex)
        defer { rtnl_addr_put(entry) }
        let code = rtnl_addr_delete(handle, entry, 0)
        if code == -NLE_NOADDR { return false }
        guard code >= 0 else { throw Self.failure("removing \(address.address) from \(address.interface)", code) }
        return true
    }

    private static func addressObject(_ address: IPAddress, prefixLength: Int, interfaceIndex: Int32) throws(VIPError) -> OpaquePointer {
        let bytes = address.bytes
        guard let entry = rtnl_addr_alloc(),
              let local = bytes.withUnsafeBytes({ nl_addr_build(address.family == .v4 ? AF_INET : AF_INET6, $0.baseAddress, $0.count) }) else {
            throw .kernel(operation: "netlink", reason: "out of memory")
        }
        defer { nl_addr_put(local) }
        nl_addr_set_prefixlen(local, Int32(prefixLength))
        rtnl_addr_set_ifindex(entry, interfaceIndex)
        rtnl_addr_set_local(entry, local)
        rtnl_addr_set_prefixlen(entry, Int32(prefixLength))
        return entry
    }

    // MARK: raw messages (multicast events, sock_diag)

    enum MulticastGroup { case link, ipv4Addresses, ipv6Addresses }

    func subscribe(_ groups: [MulticastGroup]) throws(VIPError) {
        nl_socket_disable_seq_check(handle)
        for group in groups {
            let number: rtnetlink_groups = switch group {
            case .link: RTNLGRP_LINK
            case .ipv4Addresses: RTNLGRP_IPV4_IFADDR
            case .ipv6Addresses: RTNLGRP_IPV6_IFADDR
            }
            let code = nl_socket_add_membership(handle, Int32(number.rawValue))
            if code < 0 { throw Self.failure("subscribing to netlink events", code) }
        }
    }

    /// Sends one request of `type` with `payload` after the netlink header.
    func send(type: Int32, flags: Int32, payload: [UInt8]) throws(VIPError) {
        var payload = payload
        let code = payload.withUnsafeMutableBytes { nl_send_simple(handle, type, flags, $0.baseAddress, $0.count) }
        if code < 0 { throw Self.failure("sending a netlink request", code) }
    }


    /// The next datagram (one or more netlink messages), or nil when none came within `milliseconds`.
    func receive(waitingAtMost milliseconds: Int32) throws(VIPError) -> [UInt8]? {
        var descriptor = pollfd(fd: nl_socket_get_fd(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready == 0 || (ready < 0 && errno == EINTR) { return nil }
        var peer = sockaddr_nl()
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = nl_recv(handle, &peer, &buffer, nil)
        defer { free(buffer) }
        guard length >= 0 else { throw Self.failure("receiving from netlink", length) }
        guard let buffer else { return [] }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    /// Netlink header numbers, for the files that read and write raw messages without importing C.
    enum Numbers {
        static let requestFlag = Int32(NLM_F_REQUEST)
        static let acknowledgeFlag = Int32(NLM_F_ACK)
        static let dumpFlag = Int32(NLM_F_DUMP)
        static let done = UInt16(NLMSG_DONE)
        static let error = UInt16(NLMSG_ERROR)
        static let newLink = UInt16(RTM_NEWLINK)
        static let deleteLink = UInt16(RTM_DELLINK)
        static let newAddress = UInt16(RTM_NEWADDR)
        static let deleteAddress = UInt16(RTM_DELADDR)
        static let addressLocal = UInt16(IFA_LOCAL)
        static let addressLabel = UInt16(IFA_LABEL)
        static let addressFlags = UInt16(IFA_FLAGS)
        static let addressProtocol = UInt16(IFA_PROTO)
        static let noKernelDAD = UInt32(IFA_F_NODAD)
        /// IFA_PROTO of the addresses dnsfix plumbs (the kernel's own are 0 to 3).
        static let dnsfixProtocol: UInt8 = 0xdf
        static let addressAddress = UInt16(IFA_ADDRESS)
        static let linkUp = UInt32(IFF_UP)
        // IFF_LOWER_UP (carrier) is in <linux/if.h> only, which clashes with glibc's <net/if.h>.
        static let linkLowerUp: UInt32 = 0x10000
    }

    private static func bytes(of address: OpaquePointer) -> [UInt8] {
        guard let raw = nl_addr_get_binary_addr(address) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: Int(nl_addr_get_len(address))))
    }

    /// Every libnl error code in one place, as a plain message (nl_geterror's texts mislead: an absent
    /// address reads "Invalid address for specified address family").
    static func failure(_ operation: String, _ code: Int32) -> VIPError {
        let reason: String = switch -code {
        case NLE_PERM, NLE_NOACCESS: "not permitted (this needs CAP_NET_ADMIN)"
        case NLE_EXIST: "the address is already there"
        case NLE_NOADDR: "the address is not there"
        case NLE_NODEV, NLE_OBJ_NOTFOUND: "no such interface"
        case NLE_OPNOTSUPP: "the kernel does not support this operation"
        case NLE_INVAL: "the kernel refused the request as invalid"
        case NLE_RANGE: "a value is out of range"
        case NLE_BUSY: "the kernel is busy; try again"
        case NLE_NOMEM: "out of memory"
        case NLE_AF_NOSUPPORT: "the address family is not supported (is IPv6 disabled?)"
        default: String(cString: nl_geterror(code))
        }
        return .kernel(operation: operation, reason: reason)
    }
}
