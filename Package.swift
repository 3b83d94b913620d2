// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "dnsfix",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dnsfix", targets: ["dnsfix"]),
        .executable(name: "dnsfix-bench", targets: ["dnsfix-bench"]),
        .executable(name: "dnsfix-sim", targets: ["dnsfix-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        // HMAC-SHA256 of heartbeats and the config fingerprint, in the pure core.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Spawns dig, nsupdate, dnsfix, named and knotd for the tests and the benchmarks, instead of
        // Foundation's Process (whose Linux run() can crash in memcpy, an over-read of dirent.d_name).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // The agent: heartbeats and the control socket, and its log.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The agent's health URL for load balancers, and its metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries: a module map over a shim header each, found through pkg-config.
        .systemLibrary(name: "CLDNS", pkgConfig: "ldns", providers: [.apt(["libldns-dev"])]),
        .systemLibrary(name: "CNetlinkRoute", pkgConfig: "libnl-route-3.0", providers: [.apt(["libnl-route-3-dev"])]),
        .systemLibrary(name: "CZoneScanner", pkgConfig: "libzscanner", providers: [.apt(["libknot-dev"])]),
        // Header-only: AF_PACKET, Ethernet, sock_diag and ICMPv6 numbers and structs that Glibc's module lacks.
        .systemLibrary(name: "CPacketSocket"),

        // Pure vocabulary shared by the core, the audit and the DNS layer.
        .target(name: "DNSModel"),
        // ldns behind a Swift API: the only code that imports CLDNS.
        .target(name: "DNSUpdate", dependencies: ["DNSModel", "CLDNS"]),
        // Master zone files through libzscanner: the only code that imports CZoneScanner.
        .target(name: "ZoneFile", dependencies: ["DNSModel", "CZoneScanner"]),
        // Pure: duplicate and conflicting records in zones, and the guarded repairs.
        .target(name: "Audit", dependencies: ["DNSModel"]),
        // Pure: the config model, the pair's state machine, the election, the arbiter, the heartbeat codec.
        .target(name: "FailoverCore", dependencies: ["DNSModel", .product(name: "Crypto", package: "swift-crypto")]),
        // The TOML parser behind the config model, kept out of the pure core.
        .target(name: "ConfigFile", dependencies: ["FailoverCore", .product(name: "TOMLKit", package: "TOMLKit")]),
        // Pure: two nodes and a DNS server in simulated time, with faults, checking the invariants.
        .target(name: "PairSimulation", dependencies: ["FailoverCore", "DNSModel"]),
        // The runtime: one event loop feeding the core and carrying out its actions.
        .target(
            name: "Agent",
            dependencies: [
                "FailoverCore", "ConfigFile", "DNSModel", "DNSUpdate", "VIPControl",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // libnl addresses and links, ARP/NA announce and probe, connection reset: the only CNetlinkRoute and CPacketSocket user.
        .target(name: "VIPControl", dependencies: ["DNSModel", "CNetlinkRoute", "CPacketSocket"]),

        .executableTarget(
            name: "dnsfix",
            dependencies: [
                "DNSModel", "DNSUpdate", "FailoverCore", "ConfigFile", "Audit", "ZoneFile",
                "VIPControl", "Agent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "dnsfix-sim",
            dependencies: ["PairSimulation", "DNSModel", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "dnsfix-bench",
            dependencies: [
                "DNSModel", "DNSUpdate", "TestSupport",
                "VIPControl", "Agent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        // Starts real named and knotd from Zones/ for the tests and the benchmarks.
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "DNSModelTests", dependencies: ["DNSModel"]),
        .testTarget(name: "DNSUpdateTests", dependencies: ["DNSUpdate", "DNSModel", "TestSupport"]),
        .testTarget(name: "ZoneFileTests", dependencies: ["ZoneFile", "DNSModel", "TestSupport"]),
        .testTarget(name: "FailoverCoreTests", dependencies: ["FailoverCore", "ConfigFile", "DNSModel"]),
        .testTarget(
            name: "PairSimulationTests",
            dependencies: ["PairSimulation", "FailoverCore", "ConfigFile"],
            resources: [.copy("Transcripts")]
        ),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "DNSModel", "ZoneFile"]),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent", "FailoverCore", "ConfigFile", "DNSModel", "TestSupport",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "DNSFixCLITests", dependencies: ["DNSModel", "DNSUpdate", "Audit", "TestSupport"]),
        .testTarget(name: "VIPControlTests", dependencies: ["VIPControl", "DNSModel", "TestSupport"]),
    ]
)
