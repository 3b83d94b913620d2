import ArgumentParser
import DNSModel
import DNSUpdate
import FailoverCore

struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Set a name's addresses (and PTRs) at the zone's primary: the hook for restart scripts.",
        discussion: """
            Replaces the name's A and AAAA RRsets with exactly the given addresses, never appends. \
            Sends nothing when the primary already holds them, and reads the result back from the primary.
            With --config, the shared name, server, zone, key, TTL and PTR setting come from the pair's \
            config, and the addresses are the VIP (or, in DNS-only mode, this node's own address).

            Exit codes: 0 done or nothing to do, 1 refused or failed, 2 usage or config error, \
            3 prerequisite failed (--expect-current did not match: nothing changed), 4 server unreachable, \
            6 (--check only) the primary does not hold what was asked.
            """
    )

    @OptionGroup var dns: DNSOptions
    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "The zone. Default: the config's dns.zone, else found by walking up to the SOA.")
    var zone: String?

    @Option(help: "The name to update, e.g. app.example.test.")
    var name: String?

    @Option(help: "An address the name must have (repeat for several; IPv4 and IPv6).")
    var address: [String] = []

    @Option(help: "TTL of the records written.")
    var ttl: UInt32?

    @Flag(help: "Also set each address's PTR to the name, and remove this name's PTRs of addresses it loses.")
    var ptr = false

    @Flag(help: "Do not touch PTRs, even when the config says dns.ptr = true.")
    var noPtr = false

    @Option(help: ArgumentHelp("Compare-and-swap: apply only while the name's addresses are exactly these "
                               + "(repeat; \"none\" for no address).", valueName: "address"))
    var expectCurrent: [String] = []

    @Flag(help: "Delete the given addresses from the name (and with --ptr, their PTRs).")
    var remove = false

    @Flag(help: "Print the update in nsupdate syntax and send nothing.")
    var dryRun = false

    @Flag(help: ArgumentHelp("Change nothing: exit 0 when the primary already holds what is asked, 6 when not.",
                             discussion: "For monitors (an OCF agent's monitor action): asks the primary, "
                                 + "never a cache; 'holds' means an update would send nothing."))
    var check = false

    @Flag(help: "Print the outcome as JSON.")
    var json = false

    func run() throws {
        do {
            try perform()
        } catch let failure as CommandFailure {
            var reported = failure
            reported.json = json
            throw reported
        } catch {
            throw CommandFailure(error, json: json)
        }
    }

    private func perform() throws {
        if check && dryRun {
            throw CommandFailure(usage: "give either --check or --dry-run, not both")
        }
        let config = try configOptions.load()
        let settings = config?.dns
        guard let nameText = name ?? settings?.name.description else {
            throw CommandFailure(usage: "give --name, or --config with a [dns] name")
        }
        // In DNS-only mode the address is the node's own, whose PTR names the node: leave it alone.
        let dnsOnly = address.isEmpty && config != nil && config?.vip == nil
        let registration = AddressRegistration(
            name: try DNSName(nameText),
            addresses: try addresses(config: config),
            ttl: ttl ?? settings?.ttl ?? ConfigDefaults.ttl,
            managesPointers: noPtr || dnsOnly ? false : (ptr || (settings?.ptr ?? false)),
            expectedCurrent: try expectedAddresses(),
            mode: remove ? .remove : .replace
        )
        // From the config, the name is the pair's shared name: the VIP also comes off the nodes' own names.
        let fromConfig = address.isEmpty && config != nil
        let pair = PairNameRegistration(shared: registration,
                                        vips: fromConfig ? config?.vip?.addresses ?? [] : [],
                                        nodeLabels: fromConfig ? config?.pair.nodes.map(\.name) ?? [] : [])
        let givenZone = try zone.map { try DNSName($0) } ?? settings?.zone
        if let givenZone, !registration.name.isSubdomain(of: givenZone) {
            throw CommandFailure(usage: "\(registration.name) is not in zone \(givenZone)")
        }
        let key = try dns.tsigKey(config: settings)
        let (client, foundZone) = try dns.client(for: registration.name, config: settings, key: key)
        let zone = givenZone ?? foundZone
        let registrar = Registrar(client: client)

        if check {
            try verify(pair, registrar: registrar, zone: zone)
            return
        }
        if dryRun {
            let plans = try registrar.plan(pair, zone: zone).plans
            report(UpdateReport(registration, server: client.server, sent: plans, dryRun: true, final: nil))
            return
        }
        let outcome = try registrar.apply(pair, zone: zone)
        var done = UpdateReport(registration, server: client.server, sent: outcome.sent, dryRun: false,
                                final: outcome.shared.final)
        done.cleaned = outcome.cleaned.map(\.name.description)
        report(done)
    }

    private func addresses(config: DNSFixConfig?) throws -> [IPAddress] {
        if !address.isEmpty { return try address.map { try IPAddress($0) } }
        guard let config else { throw CommandFailure(usage: "give at least one --address") }
        if let vip = config.vip { return vip.addresses }
        return [try configOptions.thisNode(in: config).address]
    }

    private func expectedAddresses() throws -> [IPAddress]? {
        guard !expectCurrent.isEmpty else { return nil }
        if expectCurrent == ["none"] { return [] }
        return try expectCurrent.map { try IPAddress($0) }
    }

    private func report(_ report: UpdateReport) {
        if json {
            Output.json(report)
            return
        }
        if dryRun {
            if report.messages.isEmpty {
                Output.line("; \(report.name) is already as requested at \(report.server): nothing to send")
            }
            for message in report.messages { Output.line(message, terminator: "") }
            return
        }
        let what = report.mode == "remove" ? "removed \(report.addresses.joined(separator: ", "))"
            : "set to \(report.addresses.isEmpty ? "nothing" : report.addresses.joined(separator: ", "))"
        let cleaned = report.cleaned ?? []
        Output.line(report.changed && cleaned.count < report.messages.count
            ? "\(report.name) \(what) at \(report.server) (\(report.messages.count) update message(s))"
            : "\(report.name) already as requested at \(report.server)" + (report.changed ? "" : ": nothing sent"))
        for name in cleaned {
            Output.line("removed \(report.addresses.joined(separator: ", ")) from \(name): the VIP belongs under \(report.name) only")
        }
    }
}

/// The outcome of `dnsfix update`, for humans and, as JSON, for scripts.
struct UpdateReport: Encodable {
    var status = "ok"
    var name: String
    var mode: String
    var addresses: [String]
    var server: String
    var dryRun: Bool
    /// Set by --check: `status` is then "ok" or "differs", and `messages` what an update would send.
    var check: Bool?
    var changed: Bool
    /// Each UPDATE message sent (or, with --dry-run, that would be sent), in nsupdate syntax.
    var messages: [String]
    /// The name's A and AAAA records at the primary afterwards.
    var records: [String]?
    /// The nodes' own names the VIP was taken off (with --config).
    var cleaned: [String]?

    init(_ registration: AddressRegistration, server: ServerEndpoint, sent: [UpdatePlan], dryRun: Bool,
         final: RegistrationSnapshot?) {
        name = registration.name.description
        mode = registration.mode == .remove ? "remove" : "replace"
        addresses = registration.addresses.map(\.description)
        self.server = server.description
        self.dryRun = dryRun
        changed = !dryRun && !sent.isEmpty
        messages = sent.map { $0.nsupdateScript(server: server.description) }
        records = final?.addressRecords.map(\.description).sorted()
    }
}
