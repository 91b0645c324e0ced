import Foundation

/// Generates realistic, seeded user states for Acme Projects (the example product), to simulate large
/// populations: the same seed and count always give the same users.
///
/// Distributions (roughly): plans free 30%, trial 25%, pro 30%, business 10%, enterprise 5%; roles owner
/// 15%, admin 15%, member 55%, guest 15%; 15% sign-ups in the last week, 15% in the last month; 15% of
/// users in Japanese; 85% on the web or desktop app, the rest on iOS or Android; product events in
/// proportion to tenure; guide progress consistent with tenure (most older users finished or skipped the
/// welcome tour).
///
/// ```swift
/// var generator = PopulationGenerator(seed: 42, now: now)
/// let state = generator.next()
/// print(PopulationGenerator.jsonLine(state))
/// ```
package struct PopulationGenerator: Sendable {
    private var random: SplitMix64
    private var index = 0
    /// The `now` of every generated user.
    package let now: Date

    /// Creates a generator.
    ///
    /// - Parameters:
    ///   - seed: the seed; the same seed gives the same users.
    ///   - now: the time of every user's state.
    package init(seed: UInt64, now: Date) {
        self.random = SplitMix64(seed: seed)
        self.now = now
    }

    /// The next user.
    ///
    /// - Returns: a user state.
    package mutating func next() -> UserState {
        index += 1
        let id = "u_\(100_000 + index)"
        let day = 86_400.0
        let plan = pick([("free", 30), ("trial", 25), ("pro", 30), ("business", 10), ("enterprise", 5)])
        let role = pick([("owner", 15), ("admin", 15), ("member", 55), ("guest", 15)])
        let tenureRoll = uniform()
        let tenureDays: Double =
            tenureRoll < 0.15 ? uniform() * 7 : tenureRoll < 0.30 ? 7 + uniform() * 23 : 30 + uniform() * 700
        let signedUp = now.addingTimeInterval(-tenureDays * day)
        let japanese = uniform() < 0.15
        var user: [String: Value] = [
            "id": .string(id), "plan": .string(plan), "role": .string(role),
            "signed_up_at": .string(Timestamp.string(from: signedUp)),
            "seats": .number(Double(pick([(1, 20), (3, 25), (5, 20), (12, 20), (30, 10), (120, 5)]))),
            "locale": .string(japanese ? "ja" : "en"),
            "company_size": .string(
                pick([("1-10", 35), ("11-50", 30), ("51-200", 20), ("201-1000", 10), ("1000+", 5)])
            ),
            "job_function": .string(
                pick([
                    ("engineering", 25), ("design", 15), ("product", 15), ("marketing", 15), ("operations", 15),
                    ("other", 15),
                ])
            ),
            "email_verified": .bool(uniform() < 0.9),
        ]
        if plan == "trial" {
            let left = Int(uniform() * 15)
            user["trial_days_left"] = .number(Double(left))
            user["trial_ends_at"] = .string(Timestamp.string(from: now.addingTimeInterval(Double(left) * day + 3_600)))
        }
        var tags: [Value] = []
        if role == "member" || role == "guest", uniform() < 0.6 { tags.append(.string("invited")) }
        if uniform() < 0.04 { tags.append(.string("churn-risk")) }
        if uniform() < 0.02 { tags.append(.string("support-escalation")) }
        if uniform() < 0.01 { tags.append(.string("vip")) }
        if !tags.isEmpty { user["tags"] = .array(tags) }
        let platform = pick([("web", 70), ("desktop", 15), ("ios", 8), ("android", 7)])
        var device: [String: Value] = ["platform": .string(platform)]
        if platform == "ios" || platform == "android" {
            let version = pick([("5.0.3", 20), ("5.1.0", 30), ("5.2.0", 30), ("5.3.0", 20)])
            device["app_version"] = .string(version)
            user["mobile_app_version"] = .string(version)
        }
        var integrations: [Value] = []
        if uniform() < 0.35 { integrations.append(.string("slack")) }
        if uniform() < 0.2 { integrations.append(.string("github")) }
        if uniform() < 0.15 { integrations.append(.string("google-drive")) }
        var account: [String: Value] = [
            "industry": .string(
                pick([
                    ("software", 30), ("agency", 15), ("marketing", 15), ("education", 10), ("nonprofit", 10),
                    ("construction", 5), ("other", 15),
                ])
            ),
            "employees": .number(Double(pick([(3, 30), (15, 30), (60, 20), (300, 15), (2_000, 5)]))),
            "region": .string(japanese ? "jp" : pick([("us", 60), ("eu", 40)])),
        ]
        if !integrations.isEmpty { account["integrations"] = .array(integrations) }
        if integrations.contains(.string("slack")) { account["slack_workspace"] = .string("ws-\(index % 997)") }
        var events: [String: UserState.EventSummary] = [:]
        let activity = min(tenureDays, 60) / 60 * (0.2 + uniform() * 1.6)
        func add(_ name: String, _ rate: Double, recent: Int = 0) {
            let count = Int((rate * activity * (0.5 + uniform())).rounded(.down))
            guard count > 0 else { return }
            var times: [Date] = []
            for _ in 0..<min(count, recent) {
                times.append(now.addingTimeInterval(-uniform() * min(tenureDays, 7) * day))
            }
            let first = signedUp.addingTimeInterval(uniform() * 3_600)
            let last = times.max() ?? now.addingTimeInterval(-uniform() * tenureDays * day)
            events[name] = UserState.EventSummary(
                count: count,
                first: first,
                last: max(first, last),
                times: times.isEmpty ? nil : times
            )
        }
        if role != "guest" { add("project_created", tenureDays < 2 && uniform() < 0.6 ? 0 : 4) }
        add("task_created", 40)
        add("task_completed", 30, recent: 6)
        add("board_viewed", 60, recent: 6)
        add("due_date_set", 8)
        if role == "owner" || role == "admin" {
            add("teammate_invited", uniform() < 0.5 ? 0 : 3)
            if !integrations.isEmpty { add("integration_connected", 2) }
        }
        if platform == "ios" || platform == "android" || uniform() < 0.2 { add("mobile_app_opened", 20) }
        if uniform() < 0.2 { add("timeline_opened", 3) }
        if uniform() < 0.1 { add("automation_created", 2) }
        var guides: [String: UserState.GuideProgress] = [:]
        if tenureDays > 1 || uniform() < 0.5, role != "guest" {
            let shown = signedUp.addingTimeInterval(600)
            let status = pick([
                (UserState.GuideStatus.completed, 55), (.dismissed, 25), (.inProgress, 10), (.snoozed, 10),
            ])
            guides["welcome-tour"] = UserState.GuideProgress(
                status: status,
                step: status == .completed ? "done" : "welcome",
                version: 3,
                shows: 1,
                lastShown: shown,
                startedAt: shown,
                completedAt: status == .completed ? shown.addingTimeInterval(90) : nil,
                snoozedUntil: status == .snoozed ? shown.addingTimeInterval(day) : nil
            )
        }
        let page = pick([
            ("/home", 30), ("/projects", 25), ("/projects/p\(index % 50)/board", 30),
            ("/projects/p\(index % 50)/list", 10),
            ("/settings/billing", 5),
        ])
        return UserState(
            id: id,
            user: user,
            account: account,
            events: events,
            guides: guides,
            page: UserState.Page(path: page),
            device: device,
            locale: japanese ? "ja-JP" : pick([("en-US", 70), ("en-GB", 20), ("en", 10)]),
            now: now
        )
    }

    /// A state as one line of JSON (keys sorted), the format `--users users.jsonl` reads.
    ///
    /// - Parameter state: the state.
    /// - Returns: the JSON text without a newline.
    package static func jsonLine(_ state: UserState) -> String {
        sorted(state.document).rendered(pretty: false)
    }

    private static func sorted(_ value: Value) -> OrderedJSON {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(sorted))
        case .object(let members):
            return .object(members.keys.sorted().compactMap { key in members[key].map { (key, sorted($0)) } })
        }
    }

    private mutating func uniform() -> Double { random.uniform() }

    private mutating func pick<T>(_ choices: [(T, Int)]) -> T { random.pick(choices) }
}

/// SplitMix64: a small, fast, seedable generator (the same sequence on every platform); the generators and the
/// tests' seeded inputs use it.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1), from the top 53 bits.
    mutating func uniform() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// One of `choices`, each as likely as its weight.
    mutating func pick<T>(_ choices: [(T, Int)]) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var roll = Int(uniform() * Double(total))
        for (choice, weight) in choices {
            if roll < weight { return choice }
            roll -= weight
        }
        return choices[choices.count - 1].0
    }
}
