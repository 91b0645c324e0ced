import Foundation

extension UserState {
    /// The state as one line of JSON, the text `Tracker.renderJSON(state, pretty: false)` gives (keys in the
    /// order of `Schemas/user-state.schema.json`, sorted keys inside attributes, empty sections left out),
    /// written straight into bytes.
    ///
    /// This is how a store writes a state on every event batch; a state keeps up to
    /// ``EventSummary/keptTimes`` times of each product event, so equal times (a burst of one event) are
    /// formatted once.
    ///
    /// - Returns: the JSON text, without a final newline.
    public func renderedJSONLine() -> String {
        var writer = StateLineWriter(capacity: estimatedLineSize)
        writer.write(self)
        return writer.output.text
    }

    /// A first guess of the line's size, so that the buffer rarely grows.
    private var estimatedLineSize: Int {
        var size = 64 + id.utf8.count + 48 * (user.count + account.count + device.count) + 160 * guides.count
        for (name, summary) in events { size += 80 + name.utf8.count + 27 * (summary.times?.count ?? 0) }
        return size
    }
}

/// Writes one user state for ``UserState/renderedJSONLine()``.
private struct StateLineWriter {
    var output: JSONByteWriter
    /// The last timestamp written: its seconds and its bytes, quotes included.
    private var lastTime: (seconds: Double, bytes: [UInt8])?

    init(capacity: Int) { output = JSONByteWriter(capacity: capacity) }

    mutating func write(_ state: UserState) {
        output.byte(0x7B)
        output.key("id")
        output.string(state.id)
        if !state.user.isEmpty {
            output.byte(0x2C)
            output.key("user")
            output.object(state.user)
        }
        if !state.account.isEmpty {
            output.byte(0x2C)
            output.key("account")
            output.object(state.account)
        }
        section("events", state.events) { $0.write($1) }
        section("guides", state.guides) { $0.write($1) }
        if let page = state.page, page.path != nil || page.url != nil {
            output.byte(0x2C)
            output.key("page")
            output.byte(0x7B)
            if let path = page.path {
                output.key("path")
                output.string(path)
            }
            if let url = page.url {
                if page.path != nil { output.byte(0x2C) }
                output.key("url")
                output.string(url)
            }
            output.byte(0x7D)
        }
        if !state.device.isEmpty {
            output.byte(0x2C)
            output.key("device")
            output.object(state.device)
        }
        if let locale = state.locale {
            output.byte(0x2C)
            output.key("locale")
            output.string(locale)
        }
        if let now = state.now {
            output.byte(0x2C)
            output.key("now")
            time(now)
        }
        output.byte(0x7D)
    }

    /// `,"key":{…}`: the members in key order, each value written by `member`; nothing when there are none.
    private mutating func section<Member>(
        _ key: StaticString,
        _ members: [String: Member],
        _ member: (inout Self, Member) -> Void
    ) {
        guard !members.isEmpty else { return }
        output.byte(0x2C)
        output.key(key)
        output.byte(0x7B)
        for (index, name) in members.keys.sorted().enumerated() {
            if index > 0 { output.byte(0x2C) }
            output.string(name)
            output.byte(0x3A)
            if let value = members[name] { member(&self, value) }
        }
        output.byte(0x7D)
    }

    private mutating func write(_ summary: UserState.EventSummary) {
        output.byte(0x7B)
        output.key("count")
        output.number(Double(summary.count))
        if let first = summary.first {
            output.byte(0x2C)
            output.key("first")
            time(first)
        }
        if let last = summary.last {
            output.byte(0x2C)
            output.key("last")
            time(last)
        }
        if let times = summary.times {
            output.byte(0x2C)
            output.key("times")
            output.byte(0x5B)
            for (index, date) in times.enumerated() {
                if index > 0 { output.byte(0x2C) }
                time(date)
            }
            output.byte(0x5D)
        }
        output.byte(0x7D)
    }

    private mutating func write(_ progress: UserState.GuideProgress) {
        output.byte(0x7B)
        output.key("status")
        output.string(progress.status.rawValue)
        if let step = progress.step {
            output.byte(0x2C)
            output.key("step")
            output.string(step)
        }
        if let version = progress.version {
            output.byte(0x2C)
            output.key("version")
            output.number(Double(version))
        }
        if let variant = progress.variant {
            output.byte(0x2C)
            output.key("variant")
            output.string(variant)
        }
        output.byte(0x2C)
        output.key("shows")
        output.number(Double(progress.shows))
        let dates: [(StaticString, Date?)] = [
            ("last_shown", progress.lastShown), ("started_at", progress.startedAt),
            ("completed_at", progress.completedAt), ("snoozed_until", progress.snoozedUntil),
        ]
        for case (let key, let date?) in dates {
            output.byte(0x2C)
            output.key(key)
            time(date)
        }
        output.byte(0x7D)
    }

    /// A timestamp literal; a repeat of the last one is copied.
    private mutating func time(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        if let lastTime, lastTime.seconds == seconds {
            output.raw(lastTime.bytes)
            return
        }
        var scratch = JSONByteWriter(capacity: 26)
        scratch.timestamp(seconds)
        lastTime = (seconds, scratch.bytes)
        output.raw(scratch.bytes)
    }
}
