import Foundation
import Hummingbird
import Synchronization

/// The latest status, written by the loop and read by the HTTP handlers.
final class StatusBoard: Sendable {
    private let current: Mutex<AgentStatus?> = Mutex(nil)

    func publish(_ status: AgentStatus) { current.withLock { $0 = status } }
    var status: AgentStatus? { current.withLock { $0 } }
}

/// `GET /ready` (200 on the active node, 404 elsewhere, for load balancers, as SafeKit's ready.txt),
/// `GET /status` (the JSON of `dnsfix status`) and `GET /metrics` (Prometheus).
enum HealthServer {
    static func application(host: String, port: UInt16, board: StatusBoard, metrics: AgentMetrics)
        -> some ApplicationProtocol {
        let router = Router()
        router.get("ready") { _, _ -> Response in
            let active = board.status.map { $0.state == "PRIM" || $0.state == "ALONE" } ?? false
            return text(active ? "ready\n" : "not active\n", status: active ? .ok : .notFound)
        }
        router.get("status") { _, _ -> Response in
            guard let status = board.status, let json = try? JSONEncoder().encode(status) else {
                return text("starting\n", status: .serviceUnavailable)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: Int(port))))
    }

    private static func text(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
