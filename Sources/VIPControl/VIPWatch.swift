import DNSModel
import Foundation
import Synchronization

/// What the kernel reports about the VIP's interface and the VIP itself.
public enum VIPEvent: Sendable, Equatable, CustomStringConvertible {
    case linkDown(interface: String)
    case linkUp(interface: String)
    case carrierLost(interface: String)
    case carrierRestored(interface: String)
    /// The VIP left an interface of this host: unplumbed, or removed by someone else.
    case addressRemoved(IPAddress, interface: String)
    /// The VIP appeared on an interface of this host.
    case addressAdded(IPAddress, interface: String)

    public var description: String {
        switch self {
        case .linkDown(let name): "\(name) down"
        case .linkUp(let name): "\(name) up"
        case .carrierLost(let name): "\(name) lost carrier"
        case .carrierRestored(let name): "\(name) has carrier again"
        case .addressRemoved(let address, let name): "\(address) removed from \(name)"
        case .addressAdded(let address, let name): "\(address) added on \(name)"
        }
    }
}

/// Netlink events for one interface and the VIP's addresses, read on a thread of its own from a
/// multicast subscription (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR).
/// Created in the calling thread's network namespace; the events are that namespace's.
public final class VIPWatch: Sendable {
    public let events: AsyncStream<VIPEvent>
    /// Shared with the reading thread, which must not keep the watch itself alive.
    private final class StopFlag: Sendable {
        let stopped = Atomic<Bool>(false)
        func stop() { stopped.store(true, ordering: .releasing) }
        var isStopped: Bool { stopped.load(ordering: .acquiring) }
    }

    private let flag = StopFlag()

    public init(interface: String, addresses: [IPAddress]) throws(VIPError) {
        let subscription = try NetlinkSocket(.route)
        let lookups = try NetlinkSocket(.route)
        let link = try lookups.link(named: interface)
        try subscription.subscribe([.link, .ipv4Addresses, .ipv6Addresses])
        let reader = WatchReader(subscription: subscription, lookups: lookups, link: link, addresses: Set(addresses))
        let (stream, continuation) = AsyncStream.makeStream(of: VIPEvent.self, bufferingPolicy: .bufferingNewest(1024))
        events = stream
        let flag = self.flag
        let thread = Thread {
            // Wakes every 100 ms to see whether the watch was stopped.
            while !flag.isStopped {
                do {
                    for event in try reader.next(waitingAtMost: 100) { continuation.yield(event) }
                } catch {
                    break
                }
            }
            continuation.finish()
        }
        thread.name = "dnsfix-vip-watch"
        continuation.onTermination = { _ in flag.stop() }
        thread.start()
    }

    /// Ends the stream; the reading thread exits within 100 ms.
    public func stop() { flag.stop() }

    deinit { flag.stop() }
}

/// The watch thread's state: the sockets and the last link state seen. Used by that thread only.
private final class WatchReader: @unchecked Sendable {
    private let subscription: NetlinkSocket
    private let lookups: NetlinkSocket
    private var link: LinkState
    private let addresses: Set<IPAddress>
    private var interfaceNames: [Int32: String] = [:]

    init(subscription: NetlinkSocket, lookups: NetlinkSocket, link: LinkState, addresses: Set<IPAddress>) {
        self.subscription = subscription
        self.lookups = lookups
        self.link = link
        self.addresses = addresses
        self.interfaceNames[link.index] = link.name
    }

    func next(waitingAtMost milliseconds: Int32) throws(VIPError) -> [VIPEvent] {
        guard let datagram = try subscription.receive(waitingAtMost: milliseconds) else { return [] }
        return NetlinkMessage.split(datagram).flatMap(events(in:))
    }

    private func events(in message: NetlinkMessage) -> [VIPEvent] {
        let payload = Array(message.payload)
        switch message.type {
        case NetlinkSocket.Numbers.newLink, NetlinkSocket.Numbers.deleteLink:
            guard payload.count >= 16, Int32(bitPattern: NetlinkMessage.readUInt32(payload, 4)) == link.index else { return [] }
            let flags = NetlinkMessage.readUInt32(payload, 8)
            let gone = message.type == NetlinkSocket.Numbers.deleteLink
            let up = !gone && flags & NetlinkSocket.Numbers.linkUp != 0
            let carrier = !gone && flags & NetlinkSocket.Numbers.linkLowerUp != 0
            var found: [VIPEvent] = []
            if up != link.up { found.append(up ? .linkUp(interface: link.name) : .linkDown(interface: link.name)) }
            if carrier != link.carrier {
                found.append(carrier ? .carrierRestored(interface: link.name) : .carrierLost(interface: link.name))
            }
            link.up = up
            link.carrier = carrier
            return found
        case NetlinkSocket.Numbers.newAddress, NetlinkSocket.Numbers.deleteAddress:
            guard let entry = InterfaceAddress(message), addresses.contains(entry.address) else { return [] }
            let name = interfaceName(entry.interfaceIndex)
            return [message.type == NetlinkSocket.Numbers.newAddress
                    ? .addressAdded(entry.address, interface: name) : .addressRemoved(entry.address, interface: name)]
        default:
            return []
        }
    }

    private func interfaceName(_ index: Int32) -> String {
        if let known = interfaceNames[index] { return known }
        let name = (try? lookups.link(index: index).name) ?? "interface \(index)"
        interfaceNames[index] = name
        return name
    }
}
