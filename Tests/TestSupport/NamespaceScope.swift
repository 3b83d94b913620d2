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

    /// Runs in a task of its own: a cancelled task (Ctrl-C in a benchmark) cannot start processes,
    /// and the namespaces must go all the same.
    private func removeAll() async {
        let namespaces = created.reversed()
        created = []
        await Task {
            for namespace in namespaces {
                _ = try? await runProcess("ip", ["netns", "del", namespace], timeout: 10)
            }
        }.value
    }
}
