/// A strict JSON parser (RFC 8259) that produces a ``SourceNode``: object keys in document order, every
/// node with its line and column, strings as quoted scalars and numbers, booleans and null as plain
/// scalars with their exact text.
///
/// Foundation's `JSONSerialization` loses key order and, on Linux, cannot always tell `true` from `1`;
/// conditions and traces need both right.
///
/// The parser is linear in its input: each byte is read once (columns are counted forward from the last
/// place that was located, never from the line's start again), and duplicate keys are found with a set
/// once an object has more than a few keys. Nesting deeper than ``maximumDepth`` is an error with its
/// place, not a stack overflow.
package struct JSONSourceParser {
    /// A JSON syntax error with its place.
    package struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        package var message: String
        /// Where.
        package var location: SourceLocation

        /// `file:line:column: message`.
        package var description: String { "\(location): \(message)" }
    }

    /// The deepest nesting of arrays and objects the parser accepts.
    package static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private let file: String
    private var index = 0
    private var line: Int
    private var lineStart = 0
    private var depth = 0
    /// The last located byte offset and its column, so that columns are counted forward only.
    private var locatedIndex = 0
    private var locatedColumn = 1

    /// Parses one JSON document.
    ///
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - file: the file name for locations.
    /// - Returns: the document.
    /// - Throws: ``SyntaxError`` at the first error.
    package static func parse(_ text: String, file: String = "") throws(SyntaxError) -> SourceNode {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(SyntaxError) in try parse(bytes: bytes, file: file) }
        }
        return try result.get()
    }

    /// Parses one JSON document held in bytes (one line of a JSON Lines file, say).
    ///
    /// - Parameters:
    ///   - bytes: the UTF-8 text.
    ///   - file: the file name for locations.
    ///   - line: the line the text starts on.
    /// - Returns: the document.
    /// - Throws: ``SyntaxError`` at the first error.
    package static func parse(
        bytes: UnsafeBufferPointer<UInt8>,
        file: String = "",
        line: Int = 1
    ) throws(SyntaxError) -> SourceNode {
        var parser = JSONSourceParser(bytes: bytes, file: file, line: line)
        parser.skipSpace()
        let node = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return node
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, file: String, line: Int) {
        self.bytes = bytes
        self.file = file
        self.line = line
    }

    private mutating func location() -> SourceLocation {
        // Columns count Unicode scalars, as libyaml's do.
        if locatedIndex < lineStart || locatedIndex > index {
            locatedIndex = lineStart
            locatedColumn = 1
        }
        var column = locatedColumn
        var cursor = locatedIndex
        while cursor < index {
            if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        locatedIndex = index
        locatedColumn = column
        return SourceLocation(file: file, line: line, column: column)
    }

    private mutating func error(_ message: String) -> SyntaxError {
        SyntaxError(message: message, location: location())
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private mutating func value() throws(SyntaxError) -> SourceNode {
        guard index < bytes.count else { throw error("unexpected end of JSON") }
        let start = location()
        switch bytes[index] {
        case 0x7B: return try object(start)
        case 0x5B: return try array(start)
        case 0x22: return SourceNode(.scalar(.init(text: try string(), isPlain: false)), at: start)
        case 0x74: return try literal("true", start)
        case 0x66: return try literal("false", start)
        case 0x6E: return try literal("null", start)
        case 0x2D, 0x30...0x39: return try number(start)
        default: throw error("unexpected character '\(character(at: index))'")
        }
    }

    /// The Unicode scalar that starts at `offset`, for messages.
    private func character(at offset: Int) -> String {
        var end = offset + 1
        while end < bytes.count, end < offset + 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
    }

    private mutating func literal(_ word: StaticString, _ start: SourceLocation) throws(SyntaxError) -> SourceNode {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("expected '\(word)'") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw error("expected '\(word)'")
        }
        index += count
        return SourceNode(.scalar(.init(text: word.description, isPlain: true)), at: start)
    }

    private mutating func number(_ start: SourceLocation) throws(SyntaxError) -> SourceNode {
        let begin = index
        scan: while index < bytes.count {
            switch bytes[index] {
            case 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x45, 0x65: index += 1
            default: break scan
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[begin..<index]), as: UTF8.self)
        guard SourceNode.Scalar.isJSONNumber(text) else {
            index = begin
            throw error("invalid number '\(text.count > 40 ? text.prefix(40) + "…" : text)'")
        }
        return SourceNode(.scalar(.init(text: text, isPlain: true)), at: start)
    }

    private mutating func string() throws(SyntaxError) -> String {
        index += 1
        // The common case: no escapes, one slice.
        let begin = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[begin..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == 0x5C || byte < 0x20 { break }
            index += 1
        }
        var output = Array(bytes[begin..<index])
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            switch byte {
            case 0x22:
                index += 1
                return String(decoding: output, as: UTF8.self)
            case 0x5C:
                switch JSONEscape.decode(bytes, at: &index, into: &output) {
                case nil: break
                case .truncated: throw error("unterminated string")
                case .unknownEscape:
                    throw error("invalid escape '\\\(character(at: index))'")
                case .badHex, .badLowHex: throw error("invalid \\u escape")
                case .loneSurrogate: throw error("lone surrogate in \\u escape")
                case .badLowSurrogate: throw error("invalid surrogate pair")
                }
            case 0x00...0x1F:
                throw error("control character in string; escape it")
            default:
                output.append(byte)
                index += 1
            }
        }
    }

    private mutating func array(_ start: SourceLocation) throws(SyntaxError) -> SourceNode {
        try enter()
        index += 1
        var items: [SourceNode] = []
        skipSpace()
        if index < bytes.count, bytes[index] == 0x5D {
            index += 1
            depth -= 1
            return SourceNode(.sequence(items), at: start)
        }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == 0x2C {
                index += 1
                continue
            }
            guard bytes[index] == 0x5D else { throw error("expected ',' or ']'") }
            index += 1
            depth -= 1
            return SourceNode(.sequence(items), at: start)
        }
    }

    private mutating func object(_ start: SourceLocation) throws(SyntaxError) -> SourceNode {
        try enter()
        index += 1
        var pairs: [SourceNode.Pair] = []
        // Keys seen so far, once the object is too wide for a linear search to be cheap.
        var seen: Set<String>?
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
            depth -= 1
            return SourceNode(.mapping(pairs), at: start)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x22 else { throw error("expected a string key") }
            let keyLocation = location()
            let keyText = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw error("expected ':' after the key") }
            index += 1
            skipSpace()
            let value = try value()
            // The first of duplicate keys is kept, as YAML's loader does.
            let isNew: Bool
            if seen != nil {
                isNew = seen?.insert(keyText).inserted ?? true
            } else {
                isNew = !pairs.contains { $0.key.scalarText == keyText }
                if isNew, pairs.count == 15 { seen = Set(pairs.compactMap(\.key.scalarText) + [keyText]) }
            }
            if isNew {
                let key = SourceNode(.scalar(.init(text: keyText, isPlain: false)), at: keyLocation)
                pairs.append(SourceNode.Pair(key: key, value: value))
            }
            skipSpace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == 0x2C {
                index += 1
                continue
            }
            guard bytes[index] == 0x7D else { throw error("expected ',' or '}'") }
            index += 1
            depth -= 1
            return SourceNode(.mapping(pairs), at: start)
        }
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw error("JSON nested deeper than \(Self.maximumDepth) levels")
        }
    }
}
