import Foundation

/// Where things are in the checkout, for tests.
public enum ProjectPaths {
    /// The directory that contains Package.swift: three levels above this file
    /// (Tests/TestSupport/ProjectPaths.swift), or else the first ancestor of the current
    /// directory that has a Package.swift and a Zones directory.
    public static var root: String { cachedRoot }

    /// `<root>/Zones`: zone files, server config templates, keys/.
    public static var zones: String { root + "/Zones" }

    /// `<root>/Zones/keys`: the test-only TSIG key files.
    public static var keys: String { zones + "/keys" }

    /// The built executable `name` (for example "dnsfix"), for CLI tests. Looked up in this order:
    /// `$DNSFIX_BIN_PATH/<name>`; the directory of the running test binary (SwiftPM puts the test
    /// bundle next to the products of the same build, so this is the current build's bin path, debug
    /// or release, whatever the triple); `<root>/.build/debug/<name>`. If none exists, the last one is
    /// returned so that the failure names a sensible path.
    public static func product(_ name: String) -> String {
        var candidates: [String] = []
        if let binPath = ProcessInfo.processInfo.environment["DNSFIX_BIN_PATH"], !binPath.isEmpty {
            candidates.append(binPath + "/" + name)
        }
        if let runningBinary = currentExecutablePath() {
            var directory = URL(fileURLWithPath: runningBinary).deletingLastPathComponent()
            // On Darwin the test binary sits inside <bin>/<name>.xctest/Contents/MacOS.
            if directory.path.hasSuffix(".xctest/Contents/MacOS") {
                directory = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            }
            candidates.append(directory.path + "/" + name)
        }
        candidates.append(root + "/.build/debug/" + name)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return candidates.last!
    }

    private static let cachedRoot: String = {
        let fromSource = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // root
            .standardizedFileURL.path
        if isPackageRoot(fromSource) { return fromSource }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        while directory.path != "/" {
            if isPackageRoot(directory.path) { return directory.path }
            directory = directory.deletingLastPathComponent()
        }
        return fromSource
    }()

    private static func isPackageRoot(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/Package.swift")
            && FileManager.default.fileExists(atPath: path + "/Zones")
    }

    private static func currentExecutablePath() -> String? {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        #endif
        return Bundle.main.executablePath ?? CommandLine.arguments.first
    }
}
