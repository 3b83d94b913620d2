import Foundation

/// The demonstration's timeline as an SVG picture: one panel per event (the failure, the swap), one
/// lane per thing watched, time from left to right in milliseconds from the event.
enum TimelinePicture {
    struct Panel {
        let title: String
        let start: ContinuousClock.Instant
        let from: Duration
        let to: Duration
    }

    static let lanes: [TimelineRecorder.Lane] = [.nodeA, .nodeB, .vip, .announcement, .dns, .client]
    static let width = 960.0, labelWidth = 110.0, laneHeight = 26.0, panelGap = 60.0

    static func svg(_ entries: [TimelineRecorder.Entry], panels: [Panel]) -> String {
        let panelHeight = Double(lanes.count) * laneHeight + 50
        var out = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(Double(panels.count) * (panelHeight + panelGap)))" font-family="sans-serif" font-size="11">"#]
        out.append(#"<rect width="100%" height="100%" fill="white"/>"#)
        for (index, panel) in panels.enumerated() {
            out += draw(panel, entries, top: Double(index) * (panelHeight + panelGap) + 20)
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    private static func draw(_ panel: Panel, _ entries: [TimelineRecorder.Entry], top: Double) -> [String] {
        let plot = width - labelWidth - 20
        func x(_ time: ContinuousClock.Instant) -> Double {
            let offset = milliseconds(time - panel.start) - milliseconds(panel.from)
            return labelWidth + max(0, min(plot, offset / milliseconds(panel.to - panel.from) * plot))
        }
        var out = [#"<text x="0" y="\#(top - 6)" font-weight="bold" font-size="13">\#(escape(panel.title))</text>"#]
        for (row, lane) in lanes.enumerated() {
            let y = top + Double(row) * laneHeight
            out.append(#"<text x="0" y="\#(y + 17)">\#(escape(lane.rawValue))</text>"#)
            let laneEntries = entries.filter { $0.lane == lane }
            if lane == .client || lane == .announcement {
                for entry in laneEntries where x(entry.at) > labelWidth && x(entry.at) < labelWidth + plot {
                    out.append(#"<rect x="\#(x(entry.at))" y="\#(y + 4)" width="2" height="18" fill="\#(colour(lane, entry.value))"/>"#)
                }
                continue
            }
            for (index, entry) in laneEntries.enumerated() {
                let end = index + 1 < laneEntries.count ? x(laneEntries[index + 1].at) : labelWidth + plot
                let start = x(entry.at)
                guard end > start else { continue }
                out.append(#"<rect x="\#(start)" y="\#(y + 3)" width="\#(end - start)" height="20" fill="\#(colour(lane, entry.value))" stroke="white"/>"#)
                if end - start > 40 {
                    out.append(#"<text x="\#(start + 4)" y="\#(y + 17)" fill="white">\#(escape(entry.value))</text>"#)
                }
            }
        }
        let axis = top + Double(lanes.count) * laneHeight + 14
        let span = Int(milliseconds(panel.to - panel.from))
        for tick in stride(from: 0, through: span, by: max(50, span / 10 / 50 * 50)) {
            let time = Int(milliseconds(panel.from)) + tick
            let position = labelWidth + Double(tick) / Double(span) * plot
            out.append(#"<line x1="\#(position)" y1="\#(top)" x2="\#(position)" y2="\#(axis - 10)" stroke="rgb(221,221,221)"/>"#)
            out.append(#"<text x="\#(position - 10)" y="\#(axis)">\#(time)</text>"#)
        }
        out.append(#"<text x="\#(labelWidth + plot - 20)" y="\#(axis + 14)">ms</text>"#)
        return out
    }

    /// SafeKit's colours for states; one colour per node elsewhere; red for nothing.
    private static func colour(_ lane: TimelineRecorder.Lane, _ value: String) -> String {
        switch lane {
        case .nodeA, .nodeB:
            switch value.split(separator: " ").first ?? "" {
            case "PRIM", "ALONE": "#2e9e44"
            case "SECOND": value == "SECOND" ? "#e69500" : "#7cb342"
            case "down": "#777"
            default: "#c62828"
            }
        default:
            if value.hasPrefix("a") { "#1f5fbf" } else if value.hasPrefix("b") { "#8e44ad" } else { "#c62828" }
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
