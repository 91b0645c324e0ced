// Guide versions whose A/B variants bring their own steps are counted per step order (see the
// DropOffReport article, "Variants with their own steps"). A user whose events name variants with
// different orders is a run in each; this pass finds such users so the input summary can say so.
extension ReportAssembler {
    /// Users with runs in more than one step order of the same guide version and breakdown value, per
    /// guide version (`board-automations-ab v1`).
    ///
    /// A user's runs all live in the tally of the thread that owns the user, so each tally is looked at
    /// on its own. Only runs of guide versions with variant step orders are looked at.
    static func usersInSeveralStepOrders(_ tallies: [EventTally], groups: [GroupRegistry.Group]) -> [String: Int] {
        // Groups that share guide, version and breakdown value share a family; only split versions have one.
        var familyOf = [Int32](repeating: -1, count: groups.count)
        var families: [String: Int32] = [:]
        var familyLabel: [String] = []
        for (id, group) in groups.enumerated() where group.hasVariantSteps && group.resolution != nil {
            let key = "\(group.guide)\u{0}\(group.version)\u{0}\(group.value ?? "\u{1}")"
            if let family = families[key] {
                familyOf[id] = family
            } else {
                familyOf[id] = Int32(familyLabel.count)
                families[key] = Int32(familyLabel.count)
                familyLabel.append("\(group.guide) v\(group.version)")
            }
        }
        guard !familyLabel.isEmpty else { return [:] }
        var result: [String: Int] = [:]
        for tally in tallies {
            let runs = tally.runs
            // Per user: the first group seen in each family, -1 once a second order was seen.
            var seen: [(family: Int32, group: Int)] = []
            runs.forEachUser { firstRun in
                seen.removeAll(keepingCapacity: true)
                var run = firstRun
                while run != RunTable.noRun {
                    let record = runs.records[Int(run)]
                    run = record.next
                    let group = Int(record.group)
                    let family = familyOf[group]
                    guard family >= 0 else { continue }
                    guard let index = seen.firstIndex(where: { $0.family == family }) else {
                        seen.append((family, group))
                        continue
                    }
                    if seen[index].group >= 0, seen[index].group != group {
                        seen[index].group = -1
                        result[familyLabel[Int(family)], default: 0] += 1
                    }
                }
            }
        }
        return result
    }
}
