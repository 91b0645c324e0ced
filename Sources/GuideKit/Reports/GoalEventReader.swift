import Foundation

/// The events a guide's goal and an experiment's holdout comparison need, which are not guide events:
/// product events (`{"type":"track","event":"project_created","user":…,"ts":…}`, or a Segment `track`
/// call) and exposures (`{"type":"exposure","guide":…,"version":…,"variant":…,"user":…,"ts":…}`).
///
/// The main read notes such lines (`other-event`) and goes on; this second, light pass runs only when it
/// noted some and a guide has a goal or a holdout. It looks only at lines that hold `"track"` or
/// `"exposure"`, and parses just those. JSON Lines only: CSV logs carry guide events (a CSV row of type
/// `exposure` is noted, not read), and standard input cannot be read twice.
struct GoalEventReader {
    /// The product events whose names are some guide's goal: each user's times by event name.
    var productEvents: [String: [String: [Double]]] = [:]
    /// The first exposure of each user to each guide version and variant.
    var exposures: [ExposureKey: Double] = [:]
    /// Product events read (of goal names or not).
    var productEventCount = 0
    /// Exposure lines read and used.
    var exposureCount = 0
    /// Sources that could not be read again (standard input), by name.
    var unreadSources: [String] = []
    /// The error of a stream that failed while it was read again (the report fails with it).
    var failure: (any Error)?

    /// One user's exposure to a variant of a guide version.
    struct ExposureKey: Hashable {
        var guide: String
        var version: Int
        var variant: String
        var user: String
    }

    /// Reads the sources.
    ///
    /// - Parameters:
    ///   - sources: the event logs, as given to the report.
    ///   - goalEvents: the event names that are some guide's goal.
    ///   - options: the report's filters (`--guide`, `--since`, `--until` apply to exposures).
    init(sources: [EventSource], goalEvents: Set<String>, options: ReportOptions) {
        let guides = Set(options.guides)
        for source in sources where source.format == .jsonLines {
            switch source {
            case .file(let path, _):
                // A regular file only: a FIFO or a device was read once by the main pass.
                guard let file = try? InputFile(path: path), file.isRegular else {
                    unreadSources.append(source.name)
                    continue
                }
                var offset = 0
                do {
                    try readChunks(goalEvents: goalEvents, guides: guides, options: options) { buffer in
                        guard let base = buffer.baseAddress else { return 0 }
                        let got = try file.read(into: base, at: offset, count: buffer.count)
                        offset += got
                        return got
                    }
                } catch {
                    unreadSources.append(source.name)
                }
            case .standardInput:
                unreadSources.append(source.name)
            case .bytes(let bytes, _, _):
                bytes.withUnsafeBytes { raw in
                    _ = scan(raw, isFinal: true, goalEvents: goalEvents, guides: guides, options: options)
                }
            case .stream(let stream):
                // A stream is read again, asking for the lines this pass needs; a failure fails the report.
                do {
                    let reading = try stream.open(.goalEvents)
                    try readChunks(goalEvents: goalEvents, guides: guides, options: options) {
                        try reading.read(into: $0)
                    }
                } catch {
                    failure = failure ?? error
                }
            }
        }
    }

    /// Reads a source a megabyte at a time through `next` (a line cut by a chunk's end is carried into the
    /// next chunk).
    ///
    /// - Throws: what `next` throws.
    private mutating func readChunks(
        goalEvents: Set<String>,
        guides: Set<String>,
        options: ReportOptions,
        next: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var carried = 0
        while true {
            if carried == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let start = carried
            let got = try buffer.withUnsafeMutableBytes { raw -> Int in
                try next(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
            }
            let isFinal = got == 0
            let used = buffer.withUnsafeBytes { raw in
                scan(
                    UnsafeRawBufferPointer(rebasing: raw[0..<(start + got)]),
                    isFinal: isFinal,
                    goalEvents: goalEvents,
                    guides: guides,
                    options: options
                )
            }
            if isFinal { return }
            carried = start + got - used
            if carried > 0, used > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    memmove(base, base + used, carried)
                }
            }
        }
    }

    private static let trackBytes = Array("\"track\"".utf8)
    private static let exposureBytes = Array("\"exposure\"".utf8)
    private static let guideNameBytes = Array("\"Guide ".utf8)

    /// Takes the whole lines of `raw` (and its last, unfinished line too when `isFinal`); returns the bytes
    /// taken.
    private mutating func scan(
        _ raw: UnsafeRawBufferPointer,
        isFinal: Bool,
        goalEvents: Set<String>,
        guides: Set<String>,
        options: ReportOptions
    ) -> Int {
        guard let base = raw.baseAddress, raw.count > 0 else { return 0 }
        var start = 0
        while start < raw.count {
            let found = memchr(base + start, 0x0A, raw.count - start)
            guard found != nil || isFinal else { break }
            let end = found.map { UnsafeRawPointer($0) - base } ?? raw.count
            let line = UnsafeRawBufferPointer(start: base + start, count: end - start)
            start = min(end + 1, raw.count)
            // A product event is a track call that is not a Segment guide event (`"Guide Step Viewed"`).
            let isProduct = Self.contains(line, Self.trackBytes) && !Self.contains(line, Self.guideNameBytes)
            guard isProduct || Self.contains(line, Self.exposureBytes) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            take(object, goalEvents: goalEvents, guides: guides, options: options)
        }
        return start
    }

    private static func contains(_ line: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard let base = line.baseAddress, let first = needle.first, line.count >= needle.count else { return false }
        return needle.withUnsafeBytes { pattern in
            guard let bytes = pattern.baseAddress else { return false }
            let last = line.count - needle.count
            var offset = 0
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                let position = UnsafeRawPointer(hit) - base
                if memcmp(base + position, bytes, needle.count) == 0 { return true }
                offset = position + 1
            }
            return false
        }
    }

    private mutating func take(
        _ object: [String: Any],
        goalEvents: Set<String>,
        guides: Set<String>,
        options: ReportOptions
    ) {
        let properties = object["properties"] as? [String: Any] ?? [:]
        func field(_ names: String...) -> Any? {
            for name in names {
                if let value = object[name], !(value is NSNull) { return value }
                if let value = properties[name], !(value is NSNull) { return value }
            }
            return nil
        }
        guard let type = object["type"] as? String,
            let user = (field("user", "userId", "anonymousId") as? String).flatMap({ $0.isEmpty ? nil : $0 }),
            let time = (field("ts", "timestamp") as? String).flatMap(Timestamp.seconds(parsing:))
        else { return }
        switch type {
        case "track":
            guard let name = object["event"] as? String, GuideEventType(segmentEventName: name) == nil else { return }
            productEventCount += 1
            guard goalEvents.contains(name) else { return }
            productEvents[user, default: [:]][name, default: []].append(time)
        case "exposure":
            guard let guide = field("guide") as? String, let variant = field("variant") as? String,
                let version = Self.version(field("version"))
            else { return }
            if !guides.isEmpty, !guides.contains(guide) { return }
            if let since = options.since, time < since { return }
            if let until = options.until, time >= until { return }
            exposureCount += 1
            let key = ExposureKey(guide: guide, version: version, variant: variant, user: user)
            if exposures[key].map({ time < $0 }) ?? true { exposures[key] = time }
        default:
            return
        }
    }

    private static func version(_ value: Any?) -> Int? {
        if let number = value as? NSNumber {
            let double = number.doubleValue
            return double >= 1 && double == double.rounded() && double < 1e9 ? Int(double) : nil
        }
        if let text = value as? String, let number = Int(text), number >= 1 { return number }
        return nil
    }

    /// Whether `user` did `event` at a time within `start…start + within` (`within` `nil`: no limit).
    func didReach(_ event: String, user: String, from start: Double, within: Int?) -> Bool {
        guard let times = productEvents[user]?[event] else { return false }
        let end = within.map { start + Double($0) } ?? .infinity
        return times.contains { $0 >= start && $0 <= end }
    }
}
