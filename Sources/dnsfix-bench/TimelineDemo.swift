import Agent
import ArgumentParser
import DNSModel
import Foundation
import TestSupport
import VIPControl

/// The demonstration (the README's first command): two agents, a client and named in network
/// namespaces on one bridge. Node a fails (its link cut and its agent killed with -9, as a crash
/// would); node b takes over; node a comes back and stands by; a swap moves the VIP back. Each event
/// is printed as a timeline in milliseconds, as the observers saw it, and drawn as a picture.
struct TimelineDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "The two-node demonstration: a failure and a swap, as a timeline in milliseconds.",
        discussion: """
            Observers: each agent's state (control socket, every 5 ms), the zone's primary (owner record and \
            shared name, every 2 ms, from its namespace), the client's announcements (packet socket) and its \
            tries on the VIP's port 8080 (every 10 ms, 20 ms timeout). Needs root.
            """
    )

    @Option(help: "Where to write the timeline as an SVG picture.")
    var svg: String?

    func validate() throws {
        guard NetworkLab.canRun else { throw ValidationError("needs root: it creates network namespaces and plumbs addresses") }
    }

    func run() async throws {
        let vip = try IPAddress("192.0.2.50")
        try await NetworkLab.with(roles: ["client", "a", "b", "dns"]) { lab in
            let placement = DNSServerPlacement.inNamespace(lab["dns"].namespace, address: lab["dns"].ipv4)
            try await withDNSServer(.bind, placement: placement) { server in
                let recorder = TimelineRecorder()
                defer { recorder.stop() }
                try await Self.observe(lab, server: server, vip: vip, recorder: recorder)
                try await BenchPair.with(lab, sections: [AgentBenchmark.vipSection(vip), AgentBenchmark.dnsSection(server)]) { pair in
                    recorder.observe(every: .milliseconds(5)) {
                        var holders: [String] = []
                        for node in ["a", "b"] {
                            let status = pair.status(node)
                            let state = status.map { $0.state + ($0.takingOver == true ? " (taking over)" : "") } ?? "down"
                            recorder.record(node == "a" ? .nodeA : .nodeB, state)
                            if status?.holdsVIP == true { holders.append(node) }
                        }
                        recorder.record(.vip, holders.isEmpty ? "nobody" : holders.joined(separator: " "))
                    }
                    try await Self.play(lab, pair: pair, server: server, recorder: recorder, svg: svg)
                }
            }
        }
    }

    /// The observers that need no agent: the service on both nodes, the client, its ARP and the primary.
    static func observe(_ lab: NetworkLab, server: RunningDNSServer, vip: IPAddress, recorder: TimelineRecorder) async throws {
        for node in ["a", "b"] { try await DemoService.serve(node, in: lab[node].namespace) { recorder.isStopped } }
        recorder.observe(every: .milliseconds(10), in: lab["client"].namespace) {
            recorder.record(.client, DemoService.ask(vip.description) ?? "no answer")
        }
        var nodeOfMAC: [MACAddress: String] = [:]
        for node in ["a", "b"] { if let mac = MACAddress(try await lab.mac(of: node)) { nodeOfMAC[mac] = node } }
        let listener = try await inNamespace(lab["client"].namespace) { try AnnouncementListener(address: vip, interface: "eth1") }
        let macs = nodeOfMAC
        Thread {
            while !recorder.isStopped {
                guard let heard = try? listener.next(within: .milliseconds(100)) else { continue }
                recorder.record(.announcement, macs[heard.mac] ?? "\(heard.mac)", at: heard.heardAt)
            }
        }.start()
        let primary = PrimaryWatch(lab: lab, server: server)
        recorder.observe(every: .milliseconds(2), in: lab["dns"].namespace) {
            // A query that timed out says nothing about the zone: only answers are recorded.
            guard let owner = primary.owner(), let answers = primary.sharedName() else { return }
            let claim = owner.replacingOccurrences(of: "node=", with: "").replacingOccurrences(of: " epoch=", with: "@")
            recorder.record(.dns, "\(claim) → \(answers.isEmpty ? "nothing" : answers.joined(separator: " "))")
        }
    }

    static func play(_ lab: NetworkLab, pair: BenchPair, server: RunningDNSServer, recorder: TimelineRecorder,
                     svg: String?) async throws {
        guard try await pair.settled() == ("a", "b") else { throw TimelineError("node b took the VIP first") }
        let begun = ContinuousClock.now
        _ = try await recorder.wait(.client, after: begun, seconds: 10) { $0 == "a" }
        _ = try await recorder.wait(.dns, after: begun) { $0.hasPrefix("a@") }
        try await Task.sleep(for: .seconds(1))
        section("node a is PRIM, node b SECOND; the client is served by a; the primary names a as owner")
        print("   (agent states are polled every 5 ms, the primary every 2 ms, the client tries every 10 ms;")
        print("    announcements carry the kernel's time)")

        let failed = ContinuousClock.now
        try await NetworkLab.ip(["-n", lab["a"].namespace, "link", "set", "eth1", "down"])
        await pair.kill("a")
        _ = try await recorder.wait(.client, after: failed) { $0 == "b" }
        _ = try await recorder.wait(.dns, after: failed) { $0.hasPrefix("b@") }
        // Quiet time, so that the picture's first panel shows the failover alone.
        try await Task.sleep(for: .seconds(1))
        section("node a fails at 0 ms (its link cut and its agent killed with -9, as a crash would)")
        printFailover(recorder, from: failed)

        try await NetworkLab.ip(["-n", lab["a"].namespace, "link", "set", "eth1", "up"])
        try await pair.restart("a")
        _ = try await recorder.wait(.nodeA, after: failed, seconds: 10) { $0 == "SECOND" }
        section("node a comes back: clean slate, then it stands by as SECOND")
        try await Task.sleep(for: .milliseconds(500))

        let swapped = ContinuousClock.now
        _ = try ControlClient.send(ControlRequest(command: .swap), to: pair.control("b"))
        _ = try await recorder.wait(.client, after: swapped) { $0 == "a" }
        _ = try await recorder.wait(.dns, after: swapped) { $0.hasPrefix("a@") }
        try await Task.sleep(for: .milliseconds(200))
        section("dnsfix swap asked on node b at 0 ms")
        printSwap(recorder, from: swapped)
        recorder.stop()

        for node in ["a", "b"] {
            section("dnsfix status on node \(node)")
            printIndented(try await runProcess(ProjectPaths.product("dnsfix"), ["status", "--control", pair.control(node)]).stdout)
        }
        section("dnsfix audit of the zones at the primary, with the pair's config: nothing left behind")
        let audit = try await runProcess("ip", ["netns", "exec", lab["dns"].namespace, ProjectPaths.product("dnsfix"), "audit",
                                                "--server", server.endpoint, "--key-file", server.keyFile(),
                                                "--axfr", "example.test.", "--axfr", "2.0.192.in-addr.arpa.",
                                                "--config", pair.directory + "/dnsfix.toml", "--node", "a"])
        printIndented(audit.stdout + audit.stderr)
        if let svg {
            let panels = [TimelinePicture.Panel(title: "node a fails at 0 ms (link cut, agent killed with -9)", start: failed,
                                                from: .milliseconds(-200), to: .milliseconds(800)),
                          TimelinePicture.Panel(title: "dnsfix swap at 0 ms", start: swapped,
                                                from: .milliseconds(-100), to: .milliseconds(200))]
            try TimelinePicture.svg(recorder.all, panels: panels).write(toFile: svg, atomically: true, encoding: .utf8)
            print("\nthe timeline as a picture: \(svg)")
        }
        guard audit.succeeded else { throw TimelineError("dnsfix audit is not clean (exit \(audit.status))") }
    }

    static func printFailover(_ recorder: TimelineRecorder, from start: ContinuousClock.Instant) {
        let lastServedByA = recorder.all.last { $0.lane == .client && $0.value == "a" && $0.at < start }
        printEvents(start, [
            ("client: last answer from a", lastServedByA),
            ("node b: failure detected, taking over", recorder.first(.nodeB, after: start) { $0 != "SECOND" }),
            ("primary: the owner record names b", recorder.first(.dns, after: start) { $0.hasPrefix("b@") }),
            ("node b: VIP plumbed", recorder.first(.vip, after: start) { holds("b", $0) }),
            ("node b: ALONE", recorder.first(.nodeB, after: start) { $0 == "ALONE" }),
            ("client: first announcement from b", recorder.first(.announcement, after: start) { $0 == "b" }),
            ("client: served again, by b", recorder.first(.client, after: start) { $0 == "b" }),
        ])
        printDNS(recorder, after: start)
    }

    static func printSwap(_ recorder: TimelineRecorder, from start: ContinuousClock.Instant) {
        let served = recorder.first(.client, after: start) { $0 == "a" }
        let failures = recorder.all.filter { $0.lane == .client && $0.at >= start && $0.value == "no answer" && $0.at <= (served?.at ?? start) }
        let lastServedByB = recorder.all.last { $0.lane == .client && $0.value == "b" && $0.at < start }
        printEvents(start, [
            ("client: last answer from b", lastServedByB),
            ("node b: VIP released", recorder.first(.vip, after: start) { !holds("b", $0) }),
            ("node a: VIP plumbed", recorder.first(.vip, after: start) { holds("a", $0) }),
            ("client: first announcement from a", recorder.first(.announcement, after: start) { $0 == "a" }),
            ("primary: the owner record names a", recorder.first(.dns, after: start) { $0.hasPrefix("a@") }),
            ("client: served by a", served),
        ])
        print("   client tries without an answer in between: \(failures.count)")
        printDNS(recorder, after: start)
    }

    /// The VIP lane names the holders, separated by spaces.
    private static func holds(_ node: String, _ holders: String) -> Bool {
        holders.split(separator: " ").contains { $0 == node }
    }

    /// In the order they happened; states and holders are polled every 5 ms, so they may show a few
    /// milliseconds after what they caused (the announcements carry the kernel's time).
    private static func printEvents(_ start: ContinuousClock.Instant, _ events: [(String, TimelineRecorder.Entry?)]) {
        let ordered = events.sorted { ($0.1?.at ?? .now) < ($1.1?.at ?? .now) }
        for (what, entry) in ordered {
            let time = entry.map { String(format: "%7.1f ms", TimelinePicture.milliseconds($0.at - start)) } ?? "   not seen"
            print("   \(time)  \(what)")
        }
    }

    private static func printDNS(_ recorder: TimelineRecorder, after start: ContinuousClock.Instant) {
        let seen = Set(recorder.all.filter { $0.lane == .dns && $0.at >= start }.map(\.value))
        print("   primary answered: \(seen.sorted().joined(separator: "; ")) (owner@epoch → app.example.test. A)")
    }

    private static func section(_ title: String) { print("\n\u{1B}[1m== \(title)\u{1B}[0m") }

    private static func printIndented(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty { print("   \(line)") }
    }
}
