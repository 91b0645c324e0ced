/// The two event log formats GuideKit reads.
public enum EventLogFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object per line (`.jsonl`, `.ndjson`, `.json`).
    case jsonLines = "jsonl"
    /// Comma-separated values with a header row (RFC 4180 quoting).
    case csv

    /// The format a file name implies: `.csv` is CSV, anything else JSON Lines.
    ///
    /// - Parameter path: a file path; `-` (standard input) is JSON Lines.
    public init(path: String) {
        self = path.lowercased().hasSuffix(".csv") ? .csv : .jsonLines
    }
}
