import Dispatch
import Foundation

/// Answers one control line: decodes it, hands it to the loop, and adds what DNS answers now (asked
/// here, off the loop, because it may take a DNS timeout).
enum ControlAnswer {
    static func answer(_ line: [UInt8], input: AsyncStream<Agent.Input>.Continuation, dns: DNSDriver?) async -> [UInt8] {
        guard let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line)) else {
            return Array(#"{"error":"not a control request"}"#.utf8)
        }
        var reply = await withCheckedContinuation { input.yield(.control(request, $0)) }
        if let dns, reply.status.dns != nil {
            reply.status.dns?.answers = await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: dns.sharedNameAddresses()?.map(\.description)) }
            }
        }
        return Array((try? JSONEncoder().encode(reply)) ?? Data())
    }
}
