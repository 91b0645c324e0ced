import GuideKit

/// Text with emoji markers (1️⃣ 2️⃣ …) placed before the tokens a diagnostic must point at; the markers
/// are stripped and their 1-based line and column (in Unicode scalars, as libyaml counts) recorded.
struct MarkedText {
    static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

    /// The text without markers.
    var text: String
    /// Each marker's position.
    var positions: [String: (line: Int, column: Int)] = [:]

    init(_ marked: String) {
        var output = ""
        var line = 1
        var column = 1
        var rest = Substring(marked)
        while let first = rest.first {
            if let marker = Self.markers.first(where: { rest.hasPrefix($0) }) {
                positions[marker] = (line, column)
                rest = rest.dropFirst(marker.count)
                continue
            }
            output.append(first)
            if first == "\n" {
                line += 1
                column = 1
            } else {
                column += first.unicodeScalars.count
            }
            rest = rest.dropFirst()
        }
        text = output
    }
}
