import Histogram

/// Latencies of one method, in microseconds, and the wall time of the whole series.
struct Measurement {
    let method: String
    var latencies = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    var count = 0
    var wall: Duration = .zero

    init(method: String) { self.method = method }

    /// Times `body` once per iteration, and the whole series.
    static func series(_ method: String, count: Int, _ body: (Int) async throws -> Void) async rethrows -> Measurement {
        var measurement = Measurement(method: method)
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<count {
            let before = clock.now
            try await body(index)
            measurement.record(clock.now - before)
        }
        measurement.wall = clock.now - started
        return measurement
    }

    mutating func record(_ elapsed: Duration) {
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        _ = latencies.record(UInt64(max(1, micros)))
        count += 1
    }

    var seconds: Double {
        Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
    }

    var perSecond: Double { seconds > 0 ? Double(count) / seconds : 0 }

    func milliseconds(_ percentile: Double) -> Double {
        Double(latencies.valueAtPercentile(percentile)) / 1000
    }
}

enum Table {
    static func print(_ measurements: [Measurement], baselines: [(String, Measurement)]) {
        let header = pad("method", 44) + pad("updates/s", 12) + pad("p50 ms", 9) + pad("p99 ms", 9)
            + baselines.map { pad("× \($0.0)", 18) }.joined()
        Swift.print(header)
        Swift.print(String(repeating: "-", count: header.count))
        for measurement in measurements {
            var line = pad(measurement.method, 44) + pad(format(measurement.perSecond, 0), 12)
                + pad(format(measurement.milliseconds(50), 2), 9) + pad(format(measurement.milliseconds(99), 2), 9)
            for (_, baseline) in baselines {
                line += pad(format(measurement.perSecond / baseline.perSecond, 2) + "×", 18)
            }
            Swift.print(line)
        }
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        var scaled = value
        for _ in 0..<decimals { scaled *= 10 }
        let rounded = (scaled.rounded() as Double)
        let whole = Int(rounded)
        guard decimals > 0 else { return String(whole) }
        var divisor = 1
        for _ in 0..<decimals { divisor *= 10 }
        let fraction = String(abs(whole) % divisor)
        return "\(whole / divisor).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
