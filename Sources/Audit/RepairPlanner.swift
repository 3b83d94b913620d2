import DNSModel

/// One guarded deletion: the stale records of one RRset, sent only while the RRset is exactly as seen.
public struct Repair: Sendable, Equatable {
    public var plan: UpdatePlan
    public var codes: [FindingCode]
}

/// Turns findings into RFC 2136 deletions. Each RRset gets its own message whose prerequisite is the
/// whole RRset as the audit saw it, so a record that changed since is left alone (and reported by
/// the server as a failed prerequisite), and one refusal does not hold up the other repairs.
public enum RepairPlanner {
    /// The RRsets of just these keys, in one pass: a second full index would double a large audit.
    static func rrsets(_ keys: some Collection<RRsetKey>, in zones: [AuditZone]) -> [RRsetKey: [ResourceRecord]] {
        guard !keys.isEmpty else { return [:] }
        let wanted = Set(keys)
        let names = Set(keys.map(\.name))
        var found: [RRsetKey: [ResourceRecord]] = [:]
        for zone in zones {
            for record in zone.records where names.contains(record.name) {
                let key = RRsetKey(name: record.name, type: record.type)
                if wanted.contains(key) { found[key, default: []].append(record) }
            }
        }
        return found
    }

    public static func repairs(for report: AuditReport, zones: [AuditZone]) -> [Repair] {
        var changes: [RRsetKey: (stale: Set<ResourceRecord>, missing: Set<ResourceRecord>, codes: Set<FindingCode>)] = [:]
        for finding in report.findings where finding.isRepairable {
            for record in finding.stale {
                changes[RRsetKey(name: record.name, type: record.type), default: ([], [], [])].stale.insert(record)
            }
            for record in finding.missing {
                changes[RRsetKey(name: record.name, type: record.type), default: ([], [], [])].missing.insert(record)
            }
            for key in Set((finding.stale + finding.missing).map { RRsetKey(name: $0.name, type: $0.type) }) {
                changes[key]!.codes.insert(finding.code)
            }
        }
        let seenByKey = rrsets(changes.keys, in: zones)
        return changes.keys.sorted { ($0.name, $0.type) < ($1.name, $1.type) }.compactMap { key in
            guard let zone = zones.map(\.origin).filter({ key.name.isSubdomain(of: $0) })
                .max(by: { $0.labelCount < $1.labelCount }) else { return nil }
            let change = changes[key]!
            let seen = seenByKey[key] ?? []
            let guardedBy: Prerequisite = seen.isEmpty
                ? .rrsetDoesNotExist(key.name, key.type)
                : .rrsetEquals(key.name, seen.map(\.data).sorted { $0.description < $1.description })
            let deletions = change.stale.sorted { $0.data.description < $1.data.description }
                .map { UpdateOperation.deleteRecord($0.name, $0.data) }
            let additions = change.missing.sorted { $0.data.description < $1.data.description }.map(UpdateOperation.add)
            return Repair(plan: UpdatePlan(zone: zone, prerequisites: [guardedBy], operations: deletions + additions),
                          codes: change.codes.sorted { $0.rawValue < $1.rawValue })
        }
    }
}
