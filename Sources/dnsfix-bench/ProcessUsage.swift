import ArgumentParser

/// What `/usr/bin/time` says about one child (CPU and peak memory), and the wall time measured around it.
struct Usage {
    /// Elapsed, user and system seconds, and the maximum resident set in KB.
    static let format = "%e %U %S %M"

    var wall: Double = 0
    var cpu: Double
    var peakKB: Int

    init(file: String) throws {
        // GNU time writes "Command exited with non-zero status N" first when the child fails.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let fields = text.split(whereSeparator: \.isNewline).last?.split(separator: " ") ?? []
        guard fields.count == 4, let user = Double(fields[1]), let system = Double(fields[2]), let peak = Int(fields[3]) else {
            throw ValidationError("cannot read /usr/bin/time's output in \(file): \(text)")
        }
        cpu = user + system
        peakKB = peak
    }

    static func median(_ runs: [Usage]) -> Usage {
        var chosen = runs.sorted { $0.wall < $1.wall }[runs.count / 2]
        chosen.peakKB = runs.map(\.peakKB).max()!
        return chosen
    }
}
