import Foundation
import Synchronization

/// Renders the Markdown of guide text (titles, bodies) as HTML that is safe to insert into a page.
///
/// Guide text is untrusted: it comes from YAML files anyone on the team can edit, and a front end inserts
/// the result into its own page. So the renderer is deliberately small and strict:
///
/// - every `<`, `>`, `&`, `"` and `'` of the source is escaped: raw HTML is shown as text, never parsed;
/// - a link is kept only when its destination is `http:`, `https:`, `mailto:` or relative (`/help`,
///   `docs/x`, `#part`, `?tab=2`); any other scheme (`javascript:`, `data:`, `vbscript:`) and any
///   destination with a control character or a space keeps the link's text only;
/// - `http:` and `https:` links get `rel="noopener noreferrer"`.
///
/// Blocks: paragraphs (separated by blank lines), ATX headings (`#` to `######`), bulleted lists (`-`,
/// `*`, `+`), numbered lists (`1.` or `1)`) and GitHub's pipe tables (a header row, a delimiter row such
/// as `|---|:-:|`, then rows). Inline: `**strong**` (or `__`), `*emphasis*` (or `_`),
/// `` `code` ``, `[text](destination)`, backslash escapes of ASCII punctuation, and hard line breaks
/// (two trailing spaces or a trailing backslash). A soft line break stays a newline. Everything else is
/// text. Rendering takes time linear in the input's length.
///
/// ```swift
/// SafeMarkdown.html("Read the [guide](https://acme.com) <b>now</b>")
/// // <p>Read the <a href="https://acme.com" rel="noopener noreferrer">guide</a> &lt;b&gt;now&lt;/b&gt;</p>
/// ```
package enum SafeMarkdown {
    /// Texts rendered already, by source (blocks, inline).
    ///
    /// Every decision renders its step, and a guide's texts change only when its file does. At most
    /// ``memoLimit`` of each; emptied when full.
    private static let memo = Mutex<(blocks: [String: String], inline: [String: String])>(([:], [:]))
    private static let memoLimit = 4_096

    /// Renders Markdown blocks as HTML.
    ///
    /// - Parameter markdown: the Markdown source.
    /// - Returns: the HTML (blocks joined by newlines), empty for blank text.
    package static func html(_ markdown: String) -> String {
        if let html = memo.withLock({ $0.blocks[markdown] }) { return html }
        let html = renderBlocks(markdown)
        memo.withLock { memo in
            if memo.blocks.count >= memoLimit { memo.blocks.removeAll() }
            memo.blocks[markdown] = html
        }
        return html
    }

    private static func renderBlocks(_ markdown: String) -> String {
        var output: [String] = []
        var paragraph: [Substring] = []
        var list: (ordered: Bool, items: [[Substring]])?

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            output.append("<p>" + inlineLines(paragraph) + "</p>")
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            let items = current.items.map { parts in
                "<li>" + inline(trimmed(parts.map(trimmed).joined(separator: " ")[...])) + "</li>"
            }
            output.append("<\(tag)>\n" + items.joined(separator: "\n") + "\n</\(tag)>")
            list = nil
        }

        let lines = markdown.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var number = 0
        while number < lines.count {
            let rawLine = lines[number]
            number += 1
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                flushParagraph()
                flushList()
                continue
            }
            if line.contains("|"), number < lines.count, let alignments = delimiterRow(lines[number]),
                alignments.count == cells(line).count
            {
                // A table: this header row, the delimiter row, then every following row with a pipe.
                flushParagraph()
                flushList()
                var rows: [Substring] = []
                number += 1
                while number < lines.count, lines[number].contains("|") {
                    rows.append(lines[number])
                    number += 1
                }
                output.append(table(header: line, alignments: alignments, rows: rows))
                continue
            }
            if let (level, text) = heading(line) {
                flushParagraph()
                flushList()
                output.append("<h\(level)>" + inline(trimmed(text)) + "</h\(level)>")
                continue
            }
            if let (ordered, text) = listItem(line) {
                flushParagraph()
                if let current = list, current.ordered != ordered { flushList() }
                if list == nil { list = (ordered, []) }
                list?.items.append([text])
                continue
            }
            if list != nil, rawLine.first == " " || rawLine.first == "\t", let count = list?.items.count, count > 0 {
                // A continuation line of a list item, indented under it.
                list?.items[count - 1].append(line)
                continue
            }
            flushList()
            paragraph.append(rawLine)
        }
        flushParagraph()
        flushList()
        return output.joined(separator: "\n")
    }

    /// Renders Markdown as inline HTML only (for titles and button labels): no paragraphs, lists or
    /// headings; line breaks become spaces.
    ///
    /// - Parameter markdown: the Markdown source.
    /// - Returns: the HTML.
    package static func inlineHTML(_ markdown: String) -> String {
        if let html = memo.withLock({ $0.inline[markdown] }) { return html }
        let lines = markdown.split(whereSeparator: \.isNewline).map(trimmed)
        let html = inline(lines.joined(separator: " ")[...])
        memo.withLock { memo in
            if memo.inline.count >= memoLimit { memo.inline.removeAll() }
            memo.inline[markdown] = html
        }
        return html
    }

    /// Whether a link destination may be kept: `http:`, `https:`, `mailto:` or relative, without control
    /// characters or spaces.
    ///
    /// - Parameter destination: the destination as written.
    /// - Returns: whether it is allowed.
    package static func isAllowedLink(_ destination: some StringProtocol) -> Bool {
        guard !destination.isEmpty else { return false }
        for scalar in destination.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) { return false }
            if scalar.properties.isWhitespace || scalar == "\\" { return false }
        }
        // The scheme is what comes before the first ':', if no '/', '?' or '#' comes first.
        guard let colon = destination.firstIndex(of: ":") else { return true }
        let beforeColon = destination[..<colon]
        if beforeColon.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { return true }
        let scheme = beforeColon.lowercased()
        return scheme == "http" || scheme == "https" || scheme == "mailto"
    }

    // MARK: - Blocks

    /// A table's column alignment.
    private enum Alignment {
        case none, left, center, right

        var attribute: String {
            switch self {
            case .none: ""
            case .left: " style=\"text-align: left\""
            case .center: " style=\"text-align: center\""
            case .right: " style=\"text-align: right\""
            }
        }
    }

    /// The cells of a table row: split at pipes that are not escaped, without the outer pipes.
    private static func cells(_ row: Substring) -> [Substring] {
        var text = trimmed(row)
        if text.first == "|" { text = text.dropFirst() }
        if text.last == "|", !text.dropLast().hasSuffix("\\") { text = text.dropLast() }
        var cells: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\\" {
                index = text.index(after: index)
                if index < text.endIndex { index = text.index(after: index) }
                continue
            }
            if text[index] == "|" {
                cells.append(trimmed(text[start..<index]))
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        cells.append(trimmed(text[start...]))
        return cells
    }

    /// The alignments of a delimiter row (`|---|:---:|--:|`), or `nil` when the line is not one.
    private static func delimiterRow(_ line: Substring) -> [Alignment]? {
        guard line.contains("-") else { return nil }
        var alignments: [Alignment] = []
        for cell in cells(line) {
            let left = cell.first == ":"
            let right = cell.last == ":" && cell.count > 1
            let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right ? 1 : 0)
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            alignments.append(left && right ? .center : left ? .left : right ? .right : .none)
        }
        return alignments
    }

    /// A table: the header, then the body rows, each with as many cells as the header (missing cells are
    /// empty, extra ones dropped, as GitHub does).
    private static func table(header: Substring, alignments: [Alignment], rows: [Substring]) -> String {
        func row(_ line: Substring, tag: String) -> String {
            let values = cells(line)
            var html = "<tr>"
            for (index, alignment) in alignments.enumerated() {
                // `\|` is a pipe in the cell, code spans included (as GitHub reads it).
                let value =
                    index < values.count ? inline(values[index].replacingOccurrences(of: "\\|", with: "|")[...]) : ""
                html += "<\(tag)\(alignment.attribute)>\(value)</\(tag)>"
            }
            return html + "</tr>"
        }
        var html = "<table>\n<thead>\n" + row(header, tag: "th") + "\n</thead>"
        if !rows.isEmpty {
            html += "\n<tbody>\n" + rows.map { row($0, tag: "td") }.joined(separator: "\n") + "\n</tbody>"
        }
        return html + "\n</table>"
    }

    private static func heading(_ line: Substring) -> (Int, Substring)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        if rest.isEmpty { return (hashes, rest) }
        guard rest.first == " " || rest.first == "\t" else { return nil }
        var text = trimmed(rest)
        // A closing sequence of '#'s preceded by a space is not part of the text.
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let before = text.dropLast(closing)
            if before.isEmpty || before.last == " " { text = trimmed(before) }
        }
        return (hashes, text)
    }

    private static func listItem(_ line: Substring) -> (ordered: Bool, text: Substring)? {
        if let first = line.first, first == "-" || first == "*" || first == "+" {
            let rest = line.dropFirst()
            guard let space = rest.first, space == " " || space == "\t" else { return nil }
            // `***` or `- - -` is a rule, not an item; we keep it as text.
            return (false, rest.dropFirst())
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard (1...9).contains(digits.count) else { return nil }
        let rest = line.dropFirst(digits.count)
        guard let mark = rest.first, mark == "." || mark == ")" else { return nil }
        let after = rest.dropFirst()
        guard let space = after.first, space == " " || space == "\t" else { return nil }
        return (true, after.dropFirst())
    }

    /// A paragraph's lines: soft breaks stay newlines, hard breaks become `<br>`.
    private static func inlineLines(_ lines: [Substring]) -> String {
        var parts: [String] = []
        for (index, rawLine) in lines.enumerated() {
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            let isLast = index == lines.count - 1
            var hardBreak = false
            if !isLast {
                if line.hasSuffix("  ") {
                    hardBreak = true
                } else if line.hasSuffix("\\"), !line.hasSuffix("\\\\") {
                    hardBreak = true
                    line = line.dropLast()
                }
            }
            parts.append(inline(trimmed(line)) + (hardBreak ? "<br>" : ""))
        }
        return parts.joined(separator: "\n")
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }

    // MARK: - Inline

    /// Renders inline Markdown.
    ///
    /// The text is scanned once; each opening delimiter finds its closer through a table of the next
    /// position of every delimiter character, so a text full of unmatched delimiters stays linear.
    private static func inline(_ text: Substring) -> String {
        let characters = Array(text)
        let next = NextTable(characters)
        var output = ""
        render(characters, from: 0, to: characters.count, next: next, depth: 0, into: &output)
        return output
    }

    /// For each position and each delimiter character, the index of the next occurrence at or after it.
    private struct NextTable {
        static let tracked: [Character] = ["*", "_", "`", "]", ")"]
        /// `positions[kind]` is the sorted list of indexes of that character (not escaped).
        private var positions: [[Int]]

        /// `openCounts[i]` is the number of `(` before index `i`.
        private var openCounts: [Int]

        init(_ characters: [Character]) {
            positions = Array(repeating: [], count: Self.tracked.count)
            openCounts = [0]
            openCounts.reserveCapacity(characters.count + 1)
            for character in characters { openCounts.append((openCounts.last ?? 0) + (character == "(" ? 1 : 0)) }
            var index = 0
            while index < characters.count {
                let character = characters[index]
                if character == "\\", index + 1 < characters.count, characters[index + 1].isPunctuationASCII {
                    index += 2
                    continue
                }
                if let kind = Self.tracked.firstIndex(of: character) { positions[kind].append(index) }
                index += 1
            }
        }

        /// The first index `>= start` and `< end` of `character`, or `nil`.
        func first(_ character: Character, from start: Int, before end: Int) -> Int? {
            guard let kind = Self.tracked.firstIndex(of: character) else { return nil }
            let list = positions[kind]
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle] < start { low = middle + 1 } else { high = middle }
            }
            return low < list.count && list[low] < end ? list[low] : nil
        }

        /// The `)` that closes a link destination starting at `start`: parentheses inside it must balance,
        /// nested at most 32 deep (as CommonMark allows), so the search looks at 33 `)` at most.
        func closingParenthesis(from start: Int, before end: Int) -> Int? {
            var closesSeen = 0
            var from = start
            while closesSeen <= 32, let paren = first(")", from: from, before: end) {
                let opens = openingParentheses(from: start, before: paren)
                if opens <= closesSeen { return paren }
                closesSeen += 1
                from = paren + 1
            }
            return nil
        }

        /// The number of `(` in `start..<end`.
        private func openingParentheses(from start: Int, before end: Int) -> Int {
            openCounts[end] - openCounts[start]
        }

        /// The first index `>= start` and `< end` where `character` appears twice in a row, or `nil`.
        func firstDouble(_ character: Character, from start: Int, before end: Int) -> Int? {
            guard let kind = Self.tracked.firstIndex(of: character) else { return nil }
            let list = positions[kind]
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle] < start { low = middle + 1 } else { high = middle }
            }
            var index = low
            while index + 1 < list.count, list[index + 1] < end {
                if list[index + 1] == list[index] + 1 { return list[index] }
                index += 1
            }
            return nil
        }
    }

    // The closer search of `firstDouble` may walk a run of single delimiters, but each opener that fails
    // is emitted as text and the walk resumes after it, so a failed search is bounded by the distance to
    // the next double delimiter; `maxDepth` bounds the nesting.
    private static let maxDepth = 8

    private static func render(
        _ characters: [Character],
        from start: Int,
        to end: Int,
        next: NextTable,
        depth: Int,
        into output: inout String
    ) {
        var index = start
        while index < end {
            let character = characters[index]
            switch character {
            case "\\":
                if index + 1 < end, characters[index + 1].isPunctuationASCII {
                    output += escaped(characters[index + 1])
                    index += 2
                } else {
                    output += "\\"
                    index += 1
                }
            case "`":
                if let close = next.first("`", from: index + 1, before: end) {
                    output += "<code>"
                    for inner in characters[(index + 1)..<close] { output += escaped(inner) }
                    output += "</code>"
                    index = close + 1
                } else {
                    output += "`"
                    index += 1
                }
            case "*", "_":
                let isDouble = index + 1 < end && characters[index + 1] == character
                let opensWord =
                    index + (isDouble ? 2 : 1) < end
                    && !characters[index + (isDouble ? 2 : 1)].isWhitespace
                let intraword = character == "_" && index > start && characters[index - 1].isLetterOrNumber
                if depth < maxDepth, opensWord, !intraword {
                    if isDouble, let close = next.firstDouble(character, from: index + 2, before: end),
                        close > index + 2, !characters[close - 1].isWhitespace
                    {
                        output += "<strong>"
                        render(characters, from: index + 2, to: close, next: next, depth: depth + 1, into: &output)
                        output += "</strong>"
                        index = close + 2
                        continue
                    }
                    if !isDouble, let close = next.first(character, from: index + 1, before: end),
                        close > index + 1, !characters[close - 1].isWhitespace
                    {
                        output += "<em>"
                        render(characters, from: index + 1, to: close, next: next, depth: depth + 1, into: &output)
                        output += "</em>"
                        index = close + 1
                        continue
                    }
                }
                output += isDouble ? String(repeating: character, count: 2) : String(character)
                index += isDouble ? 2 : 1
            case "[":
                if depth < maxDepth, let close = next.first("]", from: index + 1, before: end),
                    close + 1 < end, characters[close + 1] == "(",
                    let paren = next.closingParenthesis(from: close + 2, before: end)
                {
                    let destination = String(characters[(close + 2)..<paren])
                        .trimmingCharacters(in: .whitespaces)
                    if isAllowedLink(destination) {
                        let lowered = destination.lowercased()
                        let external = lowered.hasPrefix("http:") || lowered.hasPrefix("https:")
                        output += "<a href=\"" + escaped(destination) + "\""
                        output += external ? " rel=\"noopener noreferrer\">" : ">"
                        render(characters, from: index + 1, to: close, next: next, depth: depth + 1, into: &output)
                        output += "</a>"
                    } else {
                        render(characters, from: index + 1, to: close, next: next, depth: depth + 1, into: &output)
                    }
                    index = paren + 1
                } else {
                    output += "["
                    index += 1
                }
            default:
                output += escaped(character)
                index += 1
            }
        }
    }

    /// Escapes the characters that are special in HTML text and attribute values.
    static func escaped(_ character: Character) -> String {
        switch character {
        case "&": return "&amp;"
        case "<": return "&lt;"
        case ">": return "&gt;"
        case "\"": return "&quot;"
        case "'": return "&#39;"
        default: return String(character)
        }
    }

    /// Escapes a whole string for HTML.
    static func escaped(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text { output += escaped(character) }
        return output
    }
}

extension Character {
    /// Whether the character is ASCII punctuation (what a backslash may escape in Markdown).
    fileprivate var isPunctuationASCII: Bool {
        guard let ascii = asciiValue else { return false }
        return (33...47).contains(ascii) || (58...64).contains(ascii) || (91...96).contains(ascii)
            || (123...126).contains(ascii)
    }

    /// Whether the character is a letter or a digit.
    fileprivate var isLetterOrNumber: Bool { isLetter || isNumber }
}
