/// A strict JSON parser (RFC 8259) that produces a ``SourceNode``: object keys in document order, every
/// node with its line and column, strings as quoted scalars and numbers, booleans and null as plain
/// scalars with their exact text.
///
/// Foundation's `JSONSerialization` loses key order and, on Linux, cannot always tell `true` from `1`;
/// conditions and traces need both right.
public struct JSONSourceParser {
    /// A JSON syntax error with its place.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// Where.
        public var location: SourceLocation

        /// `file:line:column: message`.
        public var description: String { "\(location): \(message)" }
    }

    private let bytes: [UInt8]
    private let file: String
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    /// Parses one JSON document.
    ///
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - file: the file name for locations.
    /// - Returns: the document.
    /// - Throws: ``SyntaxError`` at the first error.
    public static func parse(_ text: String, file: String = "") throws(SyntaxError) -> SourceNode {
        var parser = JSONSourceParser(bytes: Array(text.utf8), file: file)
        parser.skipSpace()
        let node = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return node
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private var location: SourceLocation {
        // Columns count Unicode scalars, as libyaml's do.
        var column = 1
        var cursor = lineStart
        while cursor < index {
            if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    private func error(_ message: String) -> SyntaxError { SyntaxError(message: message, location: location) }

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
        let start = location
        switch bytes[index] {
        case 0x7B: return try object(start)
        case 0x5B: return try array(start)
        case 0x22: return SourceNode(.scalar(.init(text: try string(), isPlain: false)), at: start)
        case 0x74: return try literal("true", start)
        case 0x66: return try literal("false", start)
        case 0x6E: return try literal("null", start)
        case 0x2D, 0x30...0x39: return try number(start)
        default: throw error("unexpected character '\(String(decoding: [bytes[index]], as: UTF8.self))'")
        }
    }

    private mutating func literal(_ word: String, _ start: SourceLocation) throws(SyntaxError) -> SourceNode {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("expected '\(word)'")
        }
        index += expected.count
        return SourceNode(.scalar(.init(text: word, isPlain: true)), at: start)
    }

    private mutating func number(_ start: SourceLocation) throws(SyntaxError) -> SourceNode {
        let begin = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x45, 0x65: index += 1
            default:
                break
            }
            if index < bytes.count, ![0x2B, 0x2D, 0x2E, 0x45, 0x65].contains(bytes[index]),
                !(0x30...0x39).contains(bytes[index])
            {
                break
            }
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        guard SourceNode.Scalar.isJSONNumber(text) else {
            index = begin
            throw error("invalid number '\(text)'")
        }
        return SourceNode(.scalar(.init(text: text, isPlain: true)), at: start)
    }

    private mutating func string() throws(SyntaxError) -> String {
        index += 1
        var output: [UInt8] = []
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
                    throw error("invalid escape '\\\(String(decoding: [bytes[index]], as: UTF8.self))'")
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
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
            depth -= 1
            return SourceNode(.mapping(pairs), at: start)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x22 else { throw error("expected a string key") }
            let keyLocation = location
            let key = SourceNode(.scalar(.init(text: try string(), isPlain: false)), at: keyLocation)
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw error("expected ':' after the key") }
            index += 1
            skipSpace()
            let value = try value()
            if !pairs.contains(where: { $0.key.scalarText == key.scalarText }) {
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
        guard depth <= 512 else { throw error("JSON nested deeper than 512 levels") }
    }
}
