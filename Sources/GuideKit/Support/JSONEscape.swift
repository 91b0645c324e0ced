/// Decodes one JSON string escape (RFC 8259).
///
/// Every hand-written JSON reader uses it: the event-log readers of the report and the tracker, and the
/// condition parser. Each reader words its own errors.
package enum JSONEscape {
    /// Why an escape could not be decoded.
    package enum Failure: Sendable, Hashable {
        /// The text ends right after the backslash.
        case truncated
        /// The backslash is followed by a character that is not an escape.
        case unknownEscape
        /// `\u` is not followed by four hex digits.
        case badHex
        /// A high surrogate without a second `\u`, or a low surrogate alone.
        case loneSurrogate
        /// The second `\u` of a surrogate pair is not followed by four hex digits.
        case badLowHex
        /// The second `\u` of a surrogate pair is not a low surrogate.
        case badLowSurrogate
    }

    /// Decodes the escape whose backslash is at `index`, appends its UTF-8 to `output` and moves `index`
    /// past it.
    ///
    /// - Parameters:
    ///   - bytes: the text, indexed by byte offset.
    ///   - index: the backslash's offset; after the call, the offset after the escape, or on failure the
    ///     offset of what is wrong (the escape character, the bad hex digit, or the end of a lone surrogate).
    ///   - output: where the decoded bytes go.
    /// - Returns: `nil` when decoded, otherwise why not.
    package static func decode<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes,
        at index: inout Int,
        into output: inout [UInt8]
    ) -> Failure? where Bytes.Index == Int {
        let end = bytes.endIndex
        index += 1
        guard index < end else { return .truncated }
        let escape = bytes[index]
        switch escape {
        case 0x22, 0x5C, 0x2F: output.append(escape)
        case 0x62: output.append(0x08)
        case 0x66: output.append(0x0C)
        case 0x6E: output.append(0x0A)
        case 0x72: output.append(0x0D)
        case 0x74: output.append(0x09)
        case 0x75:
            index += 1
            guard var scalar = hex4(bytes, at: &index) else { return .badHex }
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < end, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else { return .loneSurrogate }
                index += 2
                guard let low = hex4(bytes, at: &index) else { return .badLowHex }
                guard (0xDC00...0xDFFF).contains(low) else { return .badLowSurrogate }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                return .loneSurrogate
            }
            guard let unicode = Unicode.Scalar(scalar) else { return .loneSurrogate }
            UTF8.encode(unicode) { output.append($0) }
            return nil
        default:
            return .unknownEscape
        }
        index += 1
        return nil
    }

    /// The value of one hex digit, or `nil`.
    package static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    /// Four hex digits at `index`, moving past them; on failure `index` is at the bad digit (or unchanged
    /// when fewer than four bytes are left).
    private static func hex4<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: inout Int) -> UInt32?
    where Bytes.Index == Int {
        guard bytes.endIndex - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[index]) else { return nil }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
