import Foundation
import TestSupport

/// TCP listeners and clients inside a lab's namespaces, as python3 processes with bounded lifetimes.
enum TCPPeers {
    static let port = "8050"

    /// Accepts on every address of the host (so on the VIP whenever it is plumbed there), answers each
    /// connection with the role's name and holds it open, for `seconds`.
    private static let listener = """
        import socket, sys, time
        role, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
        s = socket.socket(socket.AF_INET6)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", port)); s.listen(16); s.settimeout(0.2)
        held, end = [], time.time() + seconds
        while time.time() < end:
            try:
                c, _ = s.accept()
            except socket.timeout:
                continue
            c.sendall((role + "\\n").encode()); held.append(c)
        """

    /// Connects (retrying for 3 s), prints the server's first line; with a hold, then waits that long
    /// and prints how the connection ended: reset, closed or timeout.
    private static let client = """
        import socket, sys, time
        host, port, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
        end = time.time() + 3
        while True:
            try:
                c = socket.create_connection((host, port), timeout=1); break
            except OSError as e:
                if time.time() > end: print("unreachable", e); sys.exit(1)
                time.sleep(0.05)
        c.settimeout(2); print(c.recv(64).decode().strip(), flush=True)
        if hold > 0:
            c.settimeout(hold)
            try:
                print("closed" if not c.recv(64) else "data")
            except (ConnectionResetError, ConnectionAbortedError):
                print("reset")
            except socket.timeout:
                print("timeout")
        """

    /// Starts a listener in each role; cancel the returned task to stop them (Subprocess kills them by PID).
    static func serve(_ lab: NetworkLab, roles: [String], seconds: Double = 30) -> Task<Void, Never> {
        Task {
            await withTaskGroup(of: Void.self) { group in
                for role in roles {
                    group.addTask {
                        _ = try? await lab.run(in: role, ["python3", "-c", listener, role, port, "\(seconds)"], timeout: seconds + 5)
                    }
                }
            }
        }
    }

    /// What the client in `role` heard from `address`: the server's role, then with a hold how it ended.
    static func connect(_ lab: NetworkLab, from role: String, to address: String, hold: Double = 0) async throws -> [String] {
        try await lab.run(in: role, ["python3", "-c", client, address, port, "\(hold)"], timeout: hold + 10).stdoutLines
    }
}
