/// A value from the input as a message quotes it: whole when it has at most `limit` characters,
/// otherwise its first `limit` characters, an ellipsis and its length, so that a 50 MB id read from a
/// file does not make a 50 MB message.
///
/// ```swift
/// quotedValue(String(repeating: "a", count: 100), limit: 5)  // "aaaaa… (100 characters)"
/// ```
///
/// - Parameters:
///   - value: the value as read.
///   - limit: the most characters shown.
/// - Returns: the value, or its start and length.
package func quotedValue(_ value: some StringProtocol, limit: Int = 80) -> String {
    var characters = 0
    var end = value.startIndex
    while end < value.endIndex, characters < limit {
        value.formIndex(after: &end)
        characters += 1
    }
    guard end < value.endIndex else { return String(value) }
    return "\(value[..<end])… (\(value.count) characters)"
}

extension Diagnostic {
    /// `text` with each quoted value (between a `'` that opens it, after a space, a bracket or the start,
    /// and a `'` that closes it, before a space, punctuation or the end) capped by ``quotedValue(_:limit:)``.
    ///
    /// Every diagnostic's message and fix go through this, so that no check has to remember to cap the
    /// values it quotes.
    static func cappingQuotedValues(_ text: String, limit: Int = 80) -> String {
        // Short texts cannot hold a long value.
        guard text.utf8.count > limit + 2 else { return text }
        let scalars = Array(text.unicodeScalars)
        func opens(_ index: Int) -> Bool {
            index == 0 || " ([{:=,\t\n".unicodeScalars.contains(scalars[index - 1])
        }
        func closes(_ index: Int) -> Bool {
            index + 1 == scalars.count || " )]};:,.?!\t\n".unicodeScalars.contains(scalars[index + 1])
        }
        var output = String.UnicodeScalarView()
        var index = 0
        var changed = false
        // Once a quote finds no closing one, no later quote can: the rest is copied as it is (this
        // keeps the pass linear).
        var hasCloser = true
        while index < scalars.count {
            let scalar = scalars[index]
            guard hasCloser, scalar == "'", opens(index) else {
                output.append(scalar)
                index += 1
                continue
            }
            var close = index + 1
            while close < scalars.count, !(scalars[close] == "'" && closes(close)) { close += 1 }
            if close == scalars.count { hasCloser = false }
            guard close < scalars.count, close - index - 1 > limit else {
                output.append(scalar)
                index += 1
                continue
            }
            var value = String.UnicodeScalarView()
            value.append(contentsOf: scalars[(index + 1)..<close])
            output.append("'")
            output.append(contentsOf: quotedValue(String(value), limit: limit).unicodeScalars)
            output.append("'")
            index = close + 1
            changed = true
        }
        return changed ? String(output) : text
    }
}
