/// Compact JSON written straight into UTF-8 bytes, for the hot paths that write a document per request
/// (a stored user state per event batch): no intermediate values, strings or arrays per member.
///
/// Strings are escaped as ``JSONString/quoted(_:)`` escapes them, numbers written as the state renderers write
/// them (whole numbers below 10^15 without a fraction), so the bytes equal those renderers' text.
package struct JSONByteWriter {
    /// The bytes written so far.
    package private(set) var bytes: [UInt8] = []
    /// Whether NaN and the infinities are written `null` (valid JSON) rather than as Swift prints them.
    package let nonFiniteAsNull: Bool

    /// A writer with room for `capacity` bytes before it grows.
    ///
    /// - Parameters:
    ///   - capacity: the bytes to reserve.
    ///   - nonFiniteAsNull: write NaN and the infinities as `null`; otherwise as Swift prints them (`nan`,
    ///     `inf`), as the state renderers do.
    package init(capacity: Int = 256, nonFiniteAsNull: Bool = false) {
        self.nonFiniteAsNull = nonFiniteAsNull
        bytes.reserveCapacity(capacity)
    }

    /// The bytes as text.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends one ASCII byte (`{`, `,`, `:` …).
    package mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Appends text as it is (a literal such as `"count":`), unescaped.
    package mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends bytes as they are (JSON written earlier).
    package mutating func raw(_ written: [UInt8]) {
        bytes.append(contentsOf: written)
    }

    /// Appends `text` as a JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
    package mutating func string(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { source in
            var start = 0
            for index in source.indices {
                let unit = source[index]
                // Bytes of multi-byte characters are all ≥ 0x80, so ASCII tests on single bytes are exact.
                guard unit < 0x20 || unit == 0x22 || unit == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<index]))
                start = index + 1
                switch unit {
                case 0x22: raw(#"\""#)
                case 0x5C: raw(#"\\"#)
                case 0x0A: raw(#"\n"#)
                case 0x0D: raw(#"\r"#)
                case 0x09: raw(#"\t"#)
                default:
                    raw(#"\u00"#)
                    bytes.append(Self.hexDigit(unit >> 4))
                    bytes.append(Self.hexDigit(unit & 0x0F))
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start...]))
        }
        bytes.append(0x22)
    }

    /// Appends a number: whole numbers below 10^15 as integers, others as Swift's shortest form.
    package mutating func number(_ value: Double) {
        if nonFiniteAsNull, !value.isFinite {
            raw("null")
        } else if value == value.rounded(), abs(value) < 1e15 {
            integer(Int(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Appends an integer's decimal digits.
    package mutating func integer(_ value: Int) {
        if value < 0 {
            guard value != .min else {
                bytes.append(contentsOf: String(value).utf8)
                return
            }
            bytes.append(0x2D)
            integer(-value)
            return
        }
        if value < 10 {
            bytes.append(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 24 digits, least significant first
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
                count += 1
            }
            for offset in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[offset]) }
        }
    }

    /// Appends a timestamp in UTC form as a string literal, the text ``Timestamp/string(fromSeconds:)`` gives.
    package mutating func timestamp(_ seconds: Double) {
        bytes.append(0x22)
        Timestamp.append(seconds: seconds, to: &bytes)
        bytes.append(0x22)
    }

    /// Appends a value, object keys in sorted order at every level.
    package mutating func value(_ value: Value) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let items):
            bytes.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(0x2C) }
                self.value(item)
            }
            bytes.append(0x5D)
        case .object(let members):
            object(members)
        }
    }

    /// Appends an object of values, keys in sorted order at every level.
    package mutating func object(_ members: [String: Value]) {
        bytes.append(0x7B)
        for (index, key) in members.keys.sorted().enumerated() {
            if index > 0 { bytes.append(0x2C) }
            string(key)
            bytes.append(0x3A)
            if let member = members[key] { value(member) }
        }
        bytes.append(0x7D)
    }

    /// Appends an object of values with `key` set to `value` (added, or in place of the member of that name),
    /// keys in sorted order at every level: the object `members` with the member set would give, without
    /// copying the members.
    package mutating func object(_ members: [String: Value], setting key: String, to value: Value) {
        var keys = Array(members.keys)
        if members[key] == nil { keys.append(key) }
        keys.sort()
        bytes.append(0x7B)
        for (index, name) in keys.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            string(name)
            bytes.append(0x3A)
            if name == key {
                self.value(value)
            } else if let member = members[name] {
                self.value(member)
            }
        }
        bytes.append(0x7D)
    }

    /// Appends `"key":`.
    package mutating func key(_ key: StaticString) {
        bytes.append(0x22)
        raw(key)
        raw("\":")
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 48 + value : 87 + value
    }
}
