extension TrackerLogReader {
    /// A small JSON object scanner over one line's bytes: the fields of an event object (and of its
    /// top-level `properties` object), checking the syntax of everything else without building it.
    struct JSONScanner {
        let bytes: Slice<UnsafeBufferPointer<UInt8>>
        var index: Int
        /// Why the line is not valid JSON, once it is known.
        var problem: String?

        init(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        /// The top-level fields, with `properties` filling in what the top level lacks; `nil` with
        /// ``problem`` set when the line is not one JSON object.
        mutating func eventFields() -> [String: Field]? {
            skipSpace()
            guard peek == 0x7B else {
                problem = "not an object"
                return nil
            }
            var fields: [String: Field] = [:]
            var properties: [String: Field] = [:]
            guard object(into: &fields, properties: &properties, isTop: true) else { return nil }
            skipSpace()
            guard index == bytes.endIndex else {
                problem = "text after the object"
                return nil
            }
            for (key, value) in properties where fields[key] == nil || fields[key] == .null {
                fields[key] = value
            }
            return fields
        }

        private var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        private mutating func fail(_ message: String) -> Bool {
            if problem == nil { problem = message }
            return false
        }

        private mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A { index += 1 }
        }

        /// Parses an object at `index` (on its `{`); records scalar members when `isTop`, and the members of
        /// a top-level `properties` object.
        private mutating func object(
            into fields: inout [String: Field],
            properties: inout [String: Field],
            isTop: Bool
        ) -> Bool {
            index += 1
            skipSpace()
            if peek == 0x7D {
                index += 1
                return true
            }
            while true {
                skipSpace()
                guard peek == 0x22, let key = string() else { return fail("expected a quoted key") }
                skipSpace()
                guard peek == 0x3A else { return fail("expected ':' after a key") }
                index += 1
                skipSpace()
                if isTop, key == "properties", peek == 0x7B {
                    var ignored: [String: Field] = [:]
                    guard object(into: &properties, properties: &ignored, isTop: false) else { return false }
                } else {
                    guard let value = value() else { return false }
                    fields[key] = value
                }
                skipSpace()
                switch peek {
                case 0x2C: index += 1
                case 0x7D:
                    index += 1
                    return true
                default: return fail("expected ',' or '}'")
                }
            }
        }

        /// Parses any value; objects and arrays are checked and reported as `.other`.
        private mutating func value() -> Field? {
            guard let byte = peek else {
                _ = fail("expected a value")
                return nil
            }
            switch byte {
            case 0x22: return string().map(Field.string)
            case 0x7B:
                var ignored: [String: Field] = [:]
                var nested: [String: Field] = [:]
                return object(into: &ignored, properties: &nested, isTop: false) ? .other : nil
            case 0x5B:
                index += 1
                skipSpace()
                if peek == 0x5D {
                    index += 1
                    return .other
                }
                while true {
                    skipSpace()
                    guard value() != nil else { return nil }
                    skipSpace()
                    switch peek {
                    case 0x2C: index += 1
                    case 0x5D:
                        index += 1
                        return .other
                    default:
                        _ = fail("expected ',' or ']'")
                        return nil
                    }
                }
            case 0x74: return literal("true") ? .other : nil
            case 0x66: return literal("false") ? .other : nil
            case 0x6E: return literal("null") ? .null : nil
            case 0x2D, 0x30...0x39: return number()
            default:
                _ = fail("expected a value")
                return nil
            }
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.endIndex - index >= count else { return fail("expected '\(word)'") }
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
            guard bytes[index..<index + count].elementsEqual(expected) else { return fail("expected '\(word)'") }
            index += count
            return true
        }

        private mutating func number() -> Field? {
            let start = index
            func digits() -> Int {
                let begin = index
                while let byte = peek, byte >= 0x30, byte <= 0x39 { index += 1 }
                return index - begin
            }
            if peek == 0x2D { index += 1 }
            if peek == 0x30 {
                index += 1
            } else if digits() == 0 {
                _ = fail("a bad number")
                return nil
            }
            if peek == 0x2E {
                index += 1
                guard digits() > 0 else {
                    _ = fail("a bad number")
                    return nil
                }
            }
            if peek == 0x65 || peek == 0x45 {
                index += 1
                if peek == 0x2B || peek == 0x2D { index += 1 }
                guard digits() > 0 else {
                    _ = fail("a bad number")
                    return nil
                }
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        /// Parses a string at `index` (on its opening quote), decoding escapes.
        private mutating func string() -> String? {
            index += 1
            let start = index
            while let byte = peek, byte != 0x22, byte != 0x5C, byte >= 0x20 { index += 1 }
            if peek == 0x22 {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            var output = Array(bytes[start..<index])
            while let byte = peek {
                switch byte {
                case 0x22:
                    index += 1
                    return String(decoding: output, as: UTF8.self)
                case 0x5C:
                    switch JSONEscape.decode(bytes, at: &index, into: &output) {
                    case nil: continue
                    case .truncated: break  // the loop ends: an unterminated string
                    case .unknownEscape:
                        _ = fail("a bad escape")
                        return nil
                    case .badHex:
                        _ = fail("a bad \\u escape")
                        return nil
                    case .loneSurrogate, .badLowHex, .badLowSurrogate:
                        _ = fail("an unpaired surrogate")
                        return nil
                    }
                default:
                    guard byte >= 0x20 else {
                        _ = fail("a control character in a string")
                        return nil
                    }
                    output.append(byte)
                    index += 1
                }
            }
            _ = fail("an unterminated string")
            return nil
        }
    }
}
