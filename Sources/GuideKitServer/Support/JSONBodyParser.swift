import GuideKit

/// Reads a request body's JSON (RFC 8259) into a ``GuideKit/Value`` in one pass over its bytes.
///
/// `JSONDecoder` reads a `Value` by trying each type in turn and throwing at every miss, which made parsing
/// the body the largest single cost of a `decide`. This reader accepts the JSON text `JSONDecoder` accepts
/// (valid UTF-8, `\u` escapes with surrogate pairs, finite numbers, and, as it does, one trailing comma in an
/// array or object), keeps the first of repeated keys as it does, and refuses nesting deeper than
/// ``maximumDepth`` instead of exhausting the stack. A test compares the two on valid and invalid texts.
struct JSONBodyParser {
    /// How deep arrays and objects may nest.
    static let maximumDepth = 256

    /// Why the bytes are not JSON, and where.
    struct Failure: Error, Equatable {
        /// What is wrong.
        var reason: String
        /// The byte offset.
        var offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses one JSON value that fills the bytes (surrounding whitespace allowed).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> Value {
        let result: Result<Value, Failure> = bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONBodyParser(buffer)
            return Result { () throws(Failure) in
                let value = try parser.value(depth: 0)
                parser.skipSpace()
                guard parser.index == buffer.count else { throw parser.failure("unexpected text after the value") }
                return value
            }
        }
        return try result.get()
    }

    private func failure(_ reason: String) -> Failure { Failure(reason: reason, offset: index) }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> Value {
        skipSpace()
        guard index < bytes.count else { throw failure("the text ends where a value should be") }
        switch bytes[index] {
        case 0x7B: return try object(depth: depth + 1)
        case 0x5B: return try array(depth: depth + 1)
        case 0x22: return .string(try string())
        case 0x74: return try literal("true", .bool(true))
        case 0x66: return try literal("false", .bool(false))
        case 0x6E: return try literal("null", .null)
        case 0x2D, 0x30...0x39: return .number(try number())
        default: throw failure("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString, _ value: Value) throws(Failure) -> Value {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw failure("unexpected end of text") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("unexpected character")
        }
        index += count
        return value
    }

    private mutating func object(depth: Int) throws(Failure) -> Value {
        guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
        index += 1
        // Room for a small object (an event has five or six members), which would otherwise grow three times.
        var members = [String: Value](minimumCapacity: 8)
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x22 else { throw failure("expected a key in quotes") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw failure("expected ':' after a key") }
            index += 1
            let value = try value(depth: depth)
            if members[key] == nil { members[key] = value }
            skipSpace()
            guard index < bytes.count else { throw failure("the text ends inside an object") }
            if bytes[index] == 0x2C {
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == 0x7D {
                    index += 1
                    return .object(members)
                }
            } else if bytes[index] == 0x7D {
                index += 1
                return .object(members)
            } else {
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> Value {
        guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
        index += 1
        var items: [Value] = []
        skipSpace()
        if index < bytes.count, bytes[index] == 0x5D {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth))
            skipSpace()
            guard index < bytes.count else { throw failure("the text ends inside an array") }
            if bytes[index] == 0x2C {
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == 0x5D {
                    index += 1
                    return .array(items)
                }
            } else if bytes[index] == 0x5D {
                index += 1
                return .array(items)
            } else {
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // The common case: no escape; the bytes are checked as UTF-8 once, and not at all when they are ASCII
        // (ids, names, timestamps), which is valid UTF-8 as it is.
        var bits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                let text = bits < 0x80 ? String(decoding: raw, as: UTF8.self) : String(validating: raw, as: UTF8.self)
                guard let text else { throw Failure(reason: "a string is not valid UTF-8", offset: start) }
                index += 1
                return text
            }
            if byte == 0x5C { break }
            guard byte >= 0x20 else { throw failure("a control character inside a string must be escaped") }
            bits |= byte
            index += 1
        }
        var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x22:
                index += 1
                guard let text = String(validating: scalars, as: UTF8.self) else {
                    throw Failure(reason: "a string is not valid UTF-8", offset: start)
                }
                return text
            case 0x5C:
                if let problem = JSONEscape.decode(bytes, at: &index, into: &scalars) {
                    throw failure(reason(problem))
                }
            default:
                guard byte >= 0x20 else { throw failure("a control character inside a string must be escaped") }
                scalars.append(byte)
                index += 1
            }
        }
        throw failure("the text ends inside a string")
    }

    /// Why an escape at `index` is refused, in the API's words.
    private func reason(_ problem: JSONEscape.Failure) -> String {
        switch problem {
        case .truncated: "the text ends inside a string"
        case .unknownEscape: "an invalid escape in a string"
        case .badHex, .badLowHex:
            index < bytes.count && JSONEscape.hexValue(bytes[index]) == nil
                ? "a \\u escape needs four hex digits" : "the text ends inside a \\u escape"
        case .loneSurrogate, .badLowSurrogate:
            "a \\u escape of a surrogate must be a high one followed by a low one"
        }
    }

    private mutating func number() throws(Failure) -> Double {
        let start = index
        if bytes[index] == 0x2D { index += 1 }
        guard index < bytes.count else { throw failure("the text ends inside a number") }
        if bytes[index] == 0x30 {
            index += 1
        } else if (0x31...0x39).contains(bytes[index]) {
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
        } else {
            throw failure("a number needs a digit")
        }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            let digits = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw failure("a number needs a digit after '.'") }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            let digits = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            guard index > digits else { throw failure("a number needs a digit in its exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw Failure(reason: "the number \(text.prefix(40)) is out of range", offset: start)
        }
        return number
    }
}
