import DNSModel

/// Pure analysis of zone data into findings; no I/O, so it runs the same on AXFR data and zone files.
public struct Auditor: Sendable {
    public var pair: PairFacts?
    /// Names whose sharing of an address is intended (virtual hosts): they never count as duplicates.
    public var allowed: Set<DNSName>

    public init(pair: PairFacts? = nil, allowed: Set<DNSName> = []) {
        self.pair = pair
        self.allowed = allowed
    }

    public func audit(_ zones: [AuditZone]) -> AuditReport {
        let index = ZoneIndex(zones)
        var findings: [Finding] = []
        findings += outOfZone(index, zones)
        findings += ttlMismatches(index)
        findings += cnameProblems(index)
        findings += duplicateAddresses(index)
        findings += pointerProblems(index)
        if let pair { findings += pairProblems(index, pair: pair) }
        findings.sort(by: Self.reportOrder)
        return AuditReport(findings: findings, recordCount: index.recordCount, zoneCount: zones.count)
    }

    /// Grouped by address (findings without one last), worst first within a group.
    static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        switch (lhs.address, rhs.address) {
        case let (left?, right?) where left != right: return left < right
        case (nil, _?): return false
        case (_?, nil): return true
        default:
            if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
            if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
            return (lhs.records.first?.name ?? .root) < (rhs.records.first?.name ?? .root)
        }
    }

    // MARK: Zone hygiene

    func outOfZone(_ index: ZoneIndex, _ zones: [AuditZone]) -> [Finding] {
        index.outOfZone.map { position, number in
            let record = index.record(at: position), zone = zones[number]
            return Finding(code: .outOfZone, severity: .warning, records: [record],
                           message: "\(record.name) is outside zone \(zone.origin) (\(zone.source)): the server ignores it; "
                               + "move it to its own zone or delete it")
        }
    }

    func ttlMismatches(_ index: ZoneIndex) -> [Finding] {
        index.moreOfRRset.keys.compactMap { key in
            let records = index.rrset(key)
            let ttls = Set(records.map(\.ttl))
            guard ttls.count > 1 else { return nil }
            return Finding(code: .ttlMismatch, severity: .warning, records: records,
                           message: "\(key.name) \(key.type) has TTLs \(ttls.sorted().map(String.init).joined(separator: ", ")): "
                               + "resolvers use the lowest; give the RRset one TTL")
        }
    }

    func cnameProblems(_ index: ZoneIndex) -> [Finding] {
        var findings: [Finding] = []
        for (name, types) in index.besideCNAME {
            let cnames = index.rrset(RRsetKey(name: name, type: .cname))
            let others = types.subtracting([.rrsig, .nsec])
            if !others.isEmpty {
                let records = cnames + others.sorted().flatMap { index.rrset(RRsetKey(name: name, type: $0)) }
                findings.append(Finding(code: .cnameWithOtherData, severity: .error, records: records,
                                        message: "\(name) has a CNAME beside \(others.sorted().map(\.description).joined(separator: ", ")) "
                                            + "data: a CNAME must stand alone; delete one or the other"))
            }
        }
        for target in index.cnameTargets where index.isAudited(target) && !index.existingTargets.contains(target) {
            for record in index.aliases(of: target) {
                findings.append(Finding(code: .cnameDangling, severity: .warning, records: [record],
                                        message: "\(record.name) is a CNAME to \(target), which does not exist: fix the target or delete the alias"))
            }
        }
        return findings
    }

    // MARK: Addresses and pointers

    func duplicateAddresses(_ index: ZoneIndex) -> [Finding] {
        let vips = Set(pair?.vips ?? [])
        // The VIP under other names is reported name by name, with its repair, by pairProblems.
        return index.moreOwners.keys.compactMap { address in
            guard !vips.contains(address) else { return nil }
            let records = index.owners(of: address)
            // In DNS-only mode the shared name points at a node's own address by design.
            let expected: Set<DNSName> = pair?.isDNSOnly == true ? [pair!.sharedName] : []
            let names = Set(records.map(\.name)).subtracting(allowed).subtracting(expected)
            guard names.count > 1 else { return nil }
            let involved = records.filter { names.contains($0.name) }.sorted { $0.name < $1.name }
            let pointed = Set(index.pointerTargets(of: address))
            let disagrees = !pointed.isEmpty && pointed.isDisjoint(with: names)
            let special = pair?.node(owning: address) != nil
            let severity: Severity = disagrees || special ? .error : .note
            let named = Self.list(names.sorted().map(\.description))
            var message = "\(address) is registered under \(names.count) names (\(named))"
            if special, let node = pair?.node(owning: address) {
                message += ": it is node \(node.name)'s own address, which belongs under its own name only"
            } else if disagrees {
                message += "; its PTR names \(Self.list(pointed.sorted().map(\.description))): a duplicate registration, delete the stale name"
            } else {
                message += ": intended for virtual hosts or round robin? Then allow-list the names"
            }
            return Finding(code: .duplicateAddress, severity: severity, address: address, records: involved, message: message)
        }
    }

    func pointerProblems(_ index: ZoneIndex) -> [Finding] {
        // Half the addresses on each core: a large audit has one per two records.
        let count = index.addressCount
        return Parallel.map(2) { half in
            pointerProblems(index, numbers: half == 0 ? 0..<count / 2 : count / 2..<count)
        }.flatMap { $0 }
    }

    private func pointerProblems(_ index: ZoneIndex, numbers: Range<Int>) -> [Finding] {
        var findings: [Finding] = []
        let vips = Set(pair?.vips ?? [])
        for number in numbers {
            let (address, slot) = index.address(number: number)
            if !vips.isEmpty && vips.contains(address) { continue }
            if slot.pointer < 0 {
                if index.isAuditedReverse(address) {
                    let records = index.owners(of: address)
                    findings.append(Finding(
                        code: .ptrMissing, severity: .warning, address: address, records: records.sorted { $0.name < $1.name },
                        message: "\(address) has no PTR: add one naming \(records.map(\.name).min()!)"))
                }
                continue
            }
            if !slot.severalPointers {
                // The common case, kept cheap: one PTR, confirmed or not.
                let only = index.record(at: slot.pointer)
                guard case .ptr(let target) = only.data else { continue }
                if !index.hasOwner(address, slot, named: target), index.isAudited(target) {
                    findings.append(Finding(
                        code: .ptrNotConfirmed, severity: .warning, address: address, records: [only],
                        message: "the PTR of \(address) names \(target), which does not resolve back to \(address): "
                            + "fix the forward record or the PTR"))
                }
                continue
            }
            let records = index.pointers(of: address)
            let targets = records.compactMap { record -> DNSName? in if case .ptr(let name) = record.data { name } else { nil } }
            let resolving = Set(index.owners(of: address).map(\.name))
            if Set(targets).count > 1 {
                // Keep the one forward-confirmed name, if there is exactly one; the rest are stale.
                let keep = Set(targets.filter(resolving.contains))
                let stale = keep.count == 1 ? records.filter { record in
                    if case .ptr(let name) = record.data { !keep.contains(name) } else { false }
                } : []
                findings.append(Finding(
                    code: .ptrSeveralNames, severity: .warning, address: address, records: records,
                    message: "the PTR of \(address) names \(Self.list(Set(targets).sorted().map(\.description))): reverse lookups "
                        + (stale.isEmpty ? "flip between them; keep one" : "flip between them; keep \(keep.first!)"),
                    stale: stale))
            }
            // Already reported as stale by ptrSeveralNames when another name is confirmed.
            if Set(targets).count > 1 && targets.contains(where: resolving.contains) { continue }
            for record in records {
                guard case .ptr(let target) = record.data, index.isAudited(target), !resolving.contains(target) else { continue }
                findings.append(Finding(
                    code: .ptrNotConfirmed, severity: .warning, address: address, records: [record],
                    message: "the PTR of \(address) names \(target), which does not resolve back to \(address): "
                        + "fix the forward record or the PTR"))
            }
        }
        return findings
    }

    // MARK: The pair

    func pairProblems(_ index: ZoneIndex, pair: PairFacts) -> [Finding] {
        var findings: [Finding] = []
        let shared = pair.sharedName
        let sharedRecords = index.addressRecords(of: shared)
        let sharedAddresses = Set(sharedRecords.compactMap(\.address))
        for vip in pair.vips {
            let elsewhere = index.owners(of: vip).filter { $0.name != shared }
            for record in elsewhere {
                let node = pair.nodes.first { node in
                    index.addressRecords(of: record.name).contains { $0.address == node.address }
                        || record.name.labels.first == node.name.lowercased()
                }
                let whose = node.map { "node \($0.name)'s own name" } ?? "another name"
                findings.append(Finding(
                    code: .vipUnderOtherName, severity: .error, address: vip, records: [record],
                    message: "the VIP \(vip) is registered under \(record.name) (\(whose)): lookups of that name return "
                        + "the VIP; delete it, the VIP belongs under \(shared) only",
                    stale: [record]))
            }
            findings += vipPointerProblems(index, vip: vip, shared: shared,
                                           ttl: sharedRecords.first { $0.address == vip }?.ttl)
            if !sharedAddresses.contains(vip), index.isAudited(shared) {
                findings.append(Finding(
                    code: .sharedNameMissingAddress, severity: .warning, address: vip, records: sharedRecords,
                    message: "\(shared) does not have the VIP \(vip): run `dnsfix update --config …` on the active node"))
            }
        }
        if pair.isDNSOnly {
            let nodeAddresses = sharedAddresses.filter { pair.node(owning: $0) != nil }
            if nodeAddresses.count > 1 {
                findings.append(Finding(
                    code: .sharedNameSeveralNodes, severity: .error, address: nodeAddresses.min(), records: sharedRecords,
                    message: "\(shared) points at both nodes (\(Self.list(nodeAddresses.sorted().map(\.description)))): "
                        + "clients reach the standby too; run `dnsfix update --config …` on the active node"))
            }
            if sharedAddresses.isEmpty && index.isAudited(shared) {
                findings.append(Finding(code: .sharedNameMissingAddress, severity: .warning, records: [],
                                        message: "\(shared) has no address: run `dnsfix update --config …` on the active node"))
            }
        }
        let allowedAddresses = pair.isDNSOnly ? Set(pair.nodes.map(\.address)) : Set(pair.vips)
        for record in sharedRecords where !allowedAddresses.contains(record.address!) {
            findings.append(Finding(
                code: .sharedNameWrongAddress, severity: .error, address: record.address, records: [record],
                message: "\(shared) has \(record.address!), which is " + (pair.isDNSOnly ? "neither node's address" : "not the VIP")
                    + ": delete it",
                stale: [record]))
        }
        return findings
    }

    /// The VIP's PTR must name the shared name and nothing else; the repair puts it right.
    func vipPointerProblems(_ index: ZoneIndex, vip: IPAddress, shared: DNSName, ttl: UInt32?) -> [Finding] {
        guard index.isAuditedReverse(vip) else { return [] }
        let records = index.pointers(of: vip)
        let reverse = vip.reverseName
        let wrong = records.filter { $0.data != .ptr(shared) }
        let right = ResourceRecord(name: reverse, ttl: ttl ?? records.first?.ttl ?? 300, data: .ptr(shared))
        let missing = records.contains { $0.data == .ptr(shared) } ? [] : [right]
        if records.isEmpty {
            return [Finding(code: .ptrMissing, severity: .warning, address: vip, records: [],
                            message: "the VIP \(vip) has no PTR: it should name \(shared)", missing: missing)]
        }
        guard !wrong.isEmpty else { return [] }
        let names = wrong.compactMap { record -> String? in if case .ptr(let name) = record.data { name.description } else { nil } }
        return [Finding(code: .vipPointerWrong, severity: .error, address: vip, records: records,
                        message: "the PTR of the VIP \(vip) names \(Self.list(names)): reverse lookups return a node; "
                            + "it must name \(shared) only", stale: wrong, missing: missing)]
    }

    /// At most five names, then how many more: a zone with hundreds of aliases stays readable.
    static func list(_ items: [String], limit: Int = 5) -> String {
        items.count <= limit ? items.joined(separator: ", ")
            : items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
    }
}

extension ResourceRecord {
    var address: IPAddress? { if case .address(let address) = data { address } else { nil } }
}

extension RecordType {
    static let rrsig = RecordType(rawValue: 46)
    static let nsec = RecordType(rawValue: 47)
}
