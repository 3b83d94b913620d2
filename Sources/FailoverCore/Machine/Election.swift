/// Which node takes over when neither holds the VIP and both can talk. Both nodes compute it from
/// the same facts, so they agree without a further message.
public enum Election {
    public struct Candidate: Equatable, Sendable {
        public var name: String
        public var eligible: Bool
        public var yielding: Bool

        public init(name: String, eligible: Bool, yielding: Bool = false) {
            self.name = name
            self.eligible = eligible
            self.yielding = yielding
        }
    }

    /// The eligible node; of two, the one not yielding; then the preferred one (a preference that
    /// the configs disagree on is passed as nil); then the smaller name, a tie-break both compute alike.
    public static func winner(_ first: Candidate, _ second: Candidate, preference: String?) -> String? {
        let eligible = [first, second].filter(\.eligible)
        let willing = eligible.filter { !$0.yielding }
        let pool = willing.isEmpty ? eligible : willing
        guard pool.count > 1 else { return pool.first?.name }
        if let preference, pool.contains(where: { $0.name == preference }) { return preference }
        return pool.map(\.name).min()
    }

    /// Of two active nodes, the one that keeps the VIP: the higher epoch, else the election's tie-break.
    public static func activeWinner(_ first: (name: String, epoch: UInt64), _ second: (name: String, epoch: UInt64),
                                    preference: String?) -> String {
        if first.epoch != second.epoch { return first.epoch > second.epoch ? first.name : second.name }
        return winner(Candidate(name: first.name, eligible: true), Candidate(name: second.name, eligible: true),
                      preference: preference)!
    }
}
