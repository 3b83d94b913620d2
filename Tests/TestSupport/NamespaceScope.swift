/// The network namespaces a lab makes: each one deleted when the lab is done, in reverse order, also
/// when the lab's setup or its body throws.
final class NamespaceScope: @unchecked Sendable {
    private var created: [String] = []

    func add(_ name: String) async throws {
        try await NetworkLab.ip(["netns", "add", name])
        created.append(name)
    }

    static func with<T>(_ body: (NamespaceScope) async throws -> T) async throws -> T {
        let scope = NamespaceScope()
        do {
            let result = try await body(scope)
            await scope.removeAll()
            return result
        } catch {
            await scope.removeAll()
            throw error
        }
    }

    private func removeAll() async {
        for namespace in created.reversed() {
            _ = try? await runProcess("ip", ["netns", "del", namespace], timeout: 10)
        }
        created = []
    }
}
