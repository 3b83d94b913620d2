import ArgumentParser
import DNSModel
import FailoverCore
import VIPControl

struct VIPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vip",
        abstract: "Plumb, unplumb, check or probe the VIP on this host by hand (needs CAP_NET_ADMIN and CAP_NET_RAW).",
        discussion: """
            The VIP and its interface come from --address and --interface, or from the config's [vip] \
            (addresses, and the topology that maps a subnet to an interface and a cidrmask). \
            Plumbing is idempotent: a VIP already plumbed is success (and is announced again).

            Exit codes: 0 done, 1 failed, 2 usage or config error (a VIP outside the topology, the node's \
            own address, no such interface), 5 address conflict (another host answers for the VIP: nothing plumbed).
            """,
        subcommands: [Plumb.self, Unplumb.self, Status.self, Probe.self]
    )

    struct Plumb: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe for another holder, add the VIP to its interface, and announce it.")

        @OptionGroup var target: VIPTargetOptions

        @Option(help: "Announcements to send (gratuitous ARP request and reply, or unsolicited NA). Default: the config's vip.arp.count, else 5.")
        var announce: Int?

        @Option(help: "Time between announcements, e.g. 1s or 200ms. Default: the config's vip.arp.interval, else 1s.")
        var announceInterval: String?

        @Flag(help: "Plumb without probing for another host that answers for the VIP.")
        var noProbe = false

        @OptionGroup var probing: ProbingOptions

        func run() throws {
            let config = try target.config()
            let placements = try target.placements(config: config)
            let announcements = AnnounceOptions(count: announce ?? config?.vip?.announceCount ?? 5,
                                                interval: try duration(announceInterval, option: "--announce-interval")
                                                    ?? config?.vip?.announceInterval ?? .seconds(1))
            guard announcements.count >= 0 else { throw CommandFailure(usage: "--announce must not be negative") }
            let probe = noProbe ? nil : try probing.options()
            let controller = try vipCall { () throws(VIPError) in try VIPController() }
            for placement in placements {
                let outcome = try vipCall { () throws(VIPError) in
                    try controller.plumb(placement, probe: probe, announce: announcements.count > 0 ? announcements : nil,
                                         ownAddresses: target.ownAddresses(config: config))
                }
                let how = outcome.added ? "plumbed" : "already plumbed"
                let label = placement.label.map { ", label \($0)" } ?? ""
                let times = announcements.count == 1 ? "once" : "\(announcements.count) times"
                let announced = announcements.count > 0 ? ", announced \(times) from \(outcome.mac.map(\.description) ?? "?")" : ""
                Output.line("\(how) \(placement)\(label)\(announced)")
            }
        }
    }

    struct Unplumb: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the VIP from its interface (or from every interface), optionally resetting its connections.")

        @OptionGroup var target: VIPTargetOptions

        @Flag(help: "First destroy the TCP connections from the VIP (as ss -K does), so that clients fail fast.")
        var resetConnections = false

        func run() throws {
            let config = try target.config()
            // systemd's ExecStopPost runs this for every pair: a DNS-only pair has nothing to remove.
            if target.address.isEmpty, let config, config.vip == nil {
                return Output.line("nothing to remove: \(config.source) has no [vip] (DNS-only mode)")
            }
            let controller = try vipCall { () throws(VIPError) in try VIPController() }
            for address in try target.addresses(config: config) {
                let removed = try vipCall { () throws(VIPError) in
                    try controller.unplumb(address, interface: target.interface, resetConnections: resetConnections,
                                           ownAddresses: target.ownAddresses(config: config))
                }
                if removed.isEmpty {
                    Output.line("\(address) was not plumbed\(target.interface.map { " on \($0)" } ?? "")")
                }
                for entry in removed { Output.line("removed \(entry.address)/\(entry.prefixLength) from \(entry.interface)") }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where the VIP is plumbed on this host; exit 6 when it is not plumbed here.")

        @OptionGroup var target: VIPTargetOptions

        @Flag(help: "Print JSON.")
        var json = false

        private struct Report: Encodable {
            var address: String
            var plumbed: [PlumbedAddress]
        }

        func run() throws {
            let config = try target.config()
            let controller = try vipCall(json: json) { () throws(VIPError) in try VIPController() }
            var reports: [Report] = []
            for address in try target.addresses(config: config) {
                let found = try vipCall(json: json) { () throws(VIPError) in try controller.status(of: address) }
                reports.append(Report(address: address.description, plumbed: found))
                guard !json else { continue }
                if found.isEmpty { Output.line("\(address): not plumbed on this host") }
                for entry in found {
                    let link = try? controller.interface(named: entry.interface)
                    let state = link.map { ($0.up ? "up" : "down") + ($0.carrier ? ", carrier" : ", no carrier") } ?? "state unknown"
                    Output.line("\(address): plumbed on \(entry.interface) (/\(entry.prefixLength)"
                        + (entry.label.map { ", label \($0)" } ?? "")
                        + (entry.plumbedByDNSFix ? ", by dnsfix" : ", not by dnsfix") + "), \(entry.interface) \(state)")
                }
            }
            if json { Output.json(reports) }
            if reports.contains(where: \.plumbed.isEmpty) { throw ExitCode(DNSFixExit.notInPlace.rawValue) }
        }
    }

    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask whether another host answers for the VIP (ARP probe or IPv6 DAD); plumbs nothing.")

        @OptionGroup var target: VIPTargetOptions

        @OptionGroup var probing: ProbingOptions

        func run() throws {
            let config = try target.config()
            let options = try probing.options()
            let controller = try vipCall { () throws(VIPError) in try VIPController() }
            for placement in try target.placements(config: config) {
                if let answerer = try vipCall({ () throws(VIPError) in try controller.probe(placement, options: options) }) {
                    throw CommandFailure(VIPError.conflict(placement.address, interface: placement.interface, answeredBy: answerer))
                }
                Output.line("no other host answers for \(placement.address) on \(placement.interface)")
            }
        }
    }
}

private func duration(_ text: String?, option: String) throws -> Duration? {
    guard let text else { return nil }
    guard let parsed = ConfigDuration.parse(text) else { throw CommandFailure(usage: "\(option) \(text): not a duration (e.g. 200ms, 1s)") }
    return parsed
}

/// How plumb and probe listen for another holder of the VIP.
struct ProbingOptions: ParsableArguments {
    @Option(help: "How long to listen for an answer to the probe, e.g. 200ms.")
    var probeWait: String = "200ms"

    @Option(help: "A MAC whose answer is no conflict (the peer's); repeatable.")
    var ignoreMac: [String] = []

    func options() throws -> ProbeOptions {
        let ignoring = try ignoreMac.map { text in
            guard let mac = MACAddress(text) else { throw CommandFailure(usage: "--ignore-mac \(text): not a MAC address") }
            return mac
        }
        return ProbeOptions(wait: try duration(probeWait, option: "--probe-wait")!, ignoring: Set(ignoring))
    }
}
