import Foundation

/// A `UserState` encodes to, and decodes from, the JSON shape of `Schemas/user-state.schema.json`: the
/// same field names (`last_shown`, `snoozed_until`), timestamps as ISO 8601 strings in UTC, and fields
/// that are empty or absent left out.
///
/// Decoding checks the structure (types, timestamps, guide statuses) but not the project's catalog; use
/// ``init(json:file:)`` or ``UserStateReader`` for errors with their line and column, and
/// ``completed(with:guides:now:)`` before evaluating conditions.
///
/// ```swift
/// let data = try JSONEncoder().encode(state)
/// let back = try JSONDecoder().decode(UserState.self, from: data)   // back == state
/// ```
extension UserState: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, user, account, events, guides, page, device, locale, now
    }

    /// Decodes a state; `id` may be a string or a whole number.
    ///
    /// - Throws: `DecodingError` naming the field that is missing or of the wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id: String
        if let text = try? container.decode(String.self, forKey: .id) {
            id = text
        } else if let number = try? container.decode(Int64.self, forKey: .id) {
            id = String(number)
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: .id,
                in: container,
                debugDescription: "'id' must be a non-empty string or a whole number"
            )
        }
        guard !id.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "'id' is empty")
        }
        self.init(
            id: id,
            user: try container.decodeIfPresent([String: Value].self, forKey: .user) ?? [:],
            account: try container.decodeIfPresent([String: Value].self, forKey: .account) ?? [:],
            events: try container.decodeIfPresent([String: EventSummary].self, forKey: .events) ?? [:],
            guides: try container.decodeIfPresent([String: GuideProgress].self, forKey: .guides) ?? [:],
            page: try container.decodeIfPresent(Page.self, forKey: .page),
            device: try container.decodeIfPresent([String: Value].self, forKey: .device) ?? [:],
            locale: try container.decodeIfPresent(String.self, forKey: .locale),
            now: try container.decodeTimestampIfPresent(forKey: .now)
        )
    }

    /// Encodes the state; empty maps and absent fields are left out.
    ///
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        if !user.isEmpty { try container.encode(user, forKey: .user) }
        if !account.isEmpty { try container.encode(account, forKey: .account) }
        if !events.isEmpty { try container.encode(events, forKey: .events) }
        if !guides.isEmpty { try container.encode(guides, forKey: .guides) }
        try container.encodeIfPresent(page, forKey: .page)
        if !device.isEmpty { try container.encode(device, forKey: .device) }
        try container.encodeIfPresent(locale, forKey: .locale)
        try container.encodeTimestampIfPresent(now, forKey: .now)
    }
}

extension UserState.GuideStatus: Codable {}

extension UserState.EventSummary: Codable {
    private enum CodingKeys: String, CodingKey {
        case count, first, last, times
    }

    /// Decodes a summary; without `count`, it is the number of `times`, else 1 when `first` or `last` is
    /// given, else 0.
    ///
    /// - Throws: `DecodingError` for a negative count or a timestamp that is not ISO 8601.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let first = try container.decodeTimestampIfPresent(forKey: .first)
        let last = try container.decodeTimestampIfPresent(forKey: .last)
        var times: [Date]?
        if let texts = try container.decodeIfPresent([String].self, forKey: .times) {
            times = try texts.map { text in
                guard let date = Timestamp.date(parsing: text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .times,
                        in: container,
                        debugDescription: "'\(text)' is not \(Timestamp.expectedForm)"
                    )
                }
                return date
            }
        }
        let count =
            try container.decodeIfPresent(Int.self, forKey: .count)
            ?? times?.count ?? (first != nil || last != nil ? 1 : 0)
        guard count >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .count,
                in: container,
                debugDescription: "'count' is negative"
            )
        }
        self.init(count: count, first: first, last: last, times: times)
    }

    /// Encodes the summary.
    ///
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encodeTimestampIfPresent(first, forKey: .first)
        try container.encodeTimestampIfPresent(last, forKey: .last)
        if let times { try container.encode(times.map(Timestamp.string(from:)), forKey: .times) }
    }
}

extension UserState.GuideProgress: Codable {
    private enum CodingKeys: String, CodingKey {
        case status, step, version, variant, shows
        case lastShown = "last_shown"
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case snoozedUntil = "snoozed_until"
    }

    /// Decodes progress; `status` defaults to `not_started` and `shows` to 0.
    ///
    /// - Throws: `DecodingError` for an unknown status, a negative number or a bad timestamp.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shows = try container.decodeIfPresent(Int.self, forKey: .shows) ?? 0
        guard shows >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .shows,
                in: container,
                debugDescription: "'shows' is negative"
            )
        }
        self.init(
            status: try container.decodeIfPresent(UserState.GuideStatus.self, forKey: .status) ?? .notStarted,
            step: try container.decodeIfPresent(String.self, forKey: .step),
            version: try container.decodeIfPresent(Int.self, forKey: .version),
            variant: try container.decodeIfPresent(String.self, forKey: .variant),
            shows: shows,
            lastShown: try container.decodeTimestampIfPresent(forKey: .lastShown),
            startedAt: try container.decodeTimestampIfPresent(forKey: .startedAt),
            completedAt: try container.decodeTimestampIfPresent(forKey: .completedAt),
            snoozedUntil: try container.decodeTimestampIfPresent(forKey: .snoozedUntil)
        )
    }

    /// Encodes the progress.
    ///
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(step, forKey: .step)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encodeIfPresent(variant, forKey: .variant)
        try container.encode(shows, forKey: .shows)
        try container.encodeTimestampIfPresent(lastShown, forKey: .lastShown)
        try container.encodeTimestampIfPresent(startedAt, forKey: .startedAt)
        try container.encodeTimestampIfPresent(completedAt, forKey: .completedAt)
        try container.encodeTimestampIfPresent(snoozedUntil, forKey: .snoozedUntil)
    }
}

extension UserState.Page: Codable {
    private enum CodingKeys: String, CodingKey {
        case path, url
    }

    /// Decodes a page; both fields are optional.
    ///
    /// - Throws: `DecodingError` when a field is not a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            path: try container.decodeIfPresent(String.self, forKey: .path),
            url: try container.decodeIfPresent(String.self, forKey: .url)
        )
    }

    /// Encodes the page; absent fields are left out.
    ///
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(path, forKey: .path)
        try container.encodeIfPresent(url, forKey: .url)
    }
}

extension KeyedDecodingContainer {
    /// An ISO 8601 timestamp string, or `nil` when the key is absent or null.
    func decodeTimestampIfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = Timestamp.date(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription: "'\(text)' is not \(Timestamp.expectedForm)"
            )
        }
        return date
    }
}

extension KeyedEncodingContainer {
    /// Writes a date as a UTC ISO 8601 string (`2026-11-23T10:00:00Z`), nothing when `nil`.
    mutating func encodeTimestampIfPresent(_ date: Date?, forKey key: Key) throws {
        guard let date else { return }
        try encode(Timestamp.string(from: date), forKey: key)
    }
}
