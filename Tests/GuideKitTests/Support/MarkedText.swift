import GuideKit

/// Fixture text with emoji position markers (1️⃣ … 9️⃣, 🔟), as swift-format's `MarkedText` does.
///
/// A marker on a line that is not a comment marks the position of the token right after it. A header
/// comment `# 1️⃣ error unknown-field` declares the diagnostic expected at marker 1️⃣ (several lines may
/// name one marker). Markers are stripped everywhere, comments included, before parsing.
struct MarkedText {
    /// One expected diagnostic.
    struct Expectation: Hashable, CustomStringConvertible {
        var line: Int
        var column: Int
        var severity: Diagnostic.Severity
        var rule: String

        var description: String { "\(line):\(column) \(severity.rawValue) \(rule)" }
    }

    /// The text without markers.
    var text: String
    /// Marker name (`1️⃣`) to 1-based line and column in `text`, counted in Unicode scalars.
    var markers: [String: (line: Int, column: Int)] = [:]
    /// The declared expectations, as `(marker, severity, rule)`.
    var declarations: [(marker: String, severity: Diagnostic.Severity, rule: String)] = []
    /// The first line's schema verdict (`accept` or `reject`), if present.
    var schemaVerdict: String?

    static let markerNames = (1...9).map { "\($0)\u{FE0F}\u{20E3}" } + ["\u{1F51F}"]

    init(_ marked: String) {
        var output: [String] = []
        for (index, rawLine) in marked.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let trimmed = line.drop { $0 == " " }
            let isComment = trimmed.hasPrefix("#")
            if index == 0, trimmed.hasPrefix("# schema:") {
                schemaVerdict = trimmed.dropFirst("# schema:".count).trimmingSpaces
            }
            if isComment {
                let words = trimmed.dropFirst().split(separator: " ")
                if words.count >= 3, Self.markerNames.contains(String(words[0])),
                    let severity = Diagnostic.Severity(rawValue: String(words[1]))
                {
                    declarations.append((String(words[0]), severity, String(words[2])))
                }
            }
            var stripped = ""
            var column = 1
            var rest = Substring(line)
            while !rest.isEmpty {
                if let name = Self.markerNames.first(where: { rest.hasPrefix($0) }) {
                    if !isComment { markers[name] = (output.count + 1, column) }
                    rest = rest.dropFirst(name.count)
                    continue
                }
                let character = rest.removeFirst()
                stripped.append(character)
                column += character.unicodeScalars.count
            }
            output.append(stripped)
        }
        text = output.joined(separator: "\n")
    }

    /// The declared expectations at their marked positions; a declaration without a marker is a test error.
    func expectations() -> (expected: Set<Expectation>, unplaced: [String]) {
        var expected = Set<Expectation>()
        var unplaced: [String] = []
        for declaration in declarations {
            guard let position = markers[declaration.marker] else {
                unplaced.append(declaration.marker)
                continue
            }
            expected.insert(
                Expectation(
                    line: position.line,
                    column: position.column,
                    severity: declaration.severity,
                    rule: declaration.rule
                )
            )
        }
        return (expected, unplaced)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

extension Diagnostic {
    /// The diagnostic as a fixture expectation.
    var expectation: MarkedText.Expectation {
        MarkedText.Expectation(line: location.line, column: location.column, severity: severity, rule: rule)
    }
}
