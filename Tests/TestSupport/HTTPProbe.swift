import Foundation

/// One HTTP GET through python3's urllib (no shell): the status and the body, 404 included.
public enum HTTPProbe {
    /// `namespace`: the network namespace to ask from (none: this one).
    public static func get(_ url: String, namespace: String? = nil, timeout: Double = 5) async throws -> (status: Int, body: String) {
        let script = """
            import sys, urllib.request, urllib.error
            try:
                r = urllib.request.urlopen(sys.argv[1], timeout=\(timeout))
                code, body = r.status, r.read()
            except urllib.error.HTTPError as e:
                code, body = e.code, e.read()
            sys.stdout.write(str(code) + "\\n" + body.decode())
            """
        let command = (namespace.map { ["netns", "exec", $0, "python3"] } ?? []) + ["-c", script, url]
        let result = try await runProcess(namespace == nil ? "python3" : "ip", command, timeout: timeout + 5)
        let lines = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let status = lines.first.flatMap({ Int($0) }) else {
            throw ProcessError.launchFailed("python3", underlying: "GET \(url): \(result.stderr)")
        }
        return (status, lines.count > 1 ? String(lines[1]) : "")
    }
}
