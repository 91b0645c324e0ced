/// Version comparison with GrowthBook's `paddedVersionString` rules, without building the padded strings.
///
/// GrowthBook removes a leading `v` and any `+build` suffix, splits at `-` and `.`, appends `~` when
/// there are exactly three parts (so `1.0.0` sorts after `1.0.0-beta`), left-pads all-digit parts to
/// five characters with spaces, joins with `-` and compares the strings. This type walks both padded
/// forms byte by byte.
enum VersionOrder {
    /// Orders two versions: negative, zero or positive.
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in rhs.withUTF8 { right in compare(left, right) } }
    }

    /// Orders two versions given as UTF-8 bytes (an empty version reads as `0`, as in GrowthBook).
    static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        if left.isEmpty || right.isEmpty {
            let zero: [UInt8] = [0x30]
            return zero.withUnsafeBufferPointer { zero in
                compare(left.isEmpty ? zero : left, right.isEmpty ? zero : right)
            }
        }
        var a = PaddedBytes(left)
        var b = PaddedBytes(right)
        while true {
            let x = a.next()
            let y = b.next()
            if x == y {
                if x < 0 { return 0 }
                continue
            }
            return x < y ? -1 : 1
        }
    }

    /// Orders a version against an already padded one, writing the padded form of `actual` into a stack
    /// buffer: no allocation.
    static func compare(_ actual: UnsafeBufferPointer<UInt8>, paddedExpected: UnsafeBufferPointer<UInt8>) -> Int {
        if let order = compareSimple(actual, paddedExpected) { return order }
        // Each byte becomes at most five (a one-digit part padded to five), plus "-~".
        let capacity = max(actual.count, 1) * 5 + 2
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var length = 0
            if actual.isEmpty {
                let zero: [UInt8] = [0x30]
                zero.withUnsafeBufferPointer { zero in
                    var iterator = PaddedBytes(zero)
                    while case let byte = iterator.next(), byte >= 0 {
                        buffer[length] = UInt8(byte)
                        length += 1
                    }
                }
            } else {
                var iterator = PaddedBytes(actual)
                while case let byte = iterator.next(), byte >= 0 {
                    buffer[length] = UInt8(byte)
                    length += 1
                }
            }
            let shared = min(length, paddedExpected.count)
            var index = 0
            while index < shared {
                let a = buffer[index]
                let b = paddedExpected[index]
                if a != b { return a < b ? -1 : 1 }
                index += 1
            }
            return length == paddedExpected.count ? 0 : (length < paddedExpected.count ? -1 : 1)
        }
    }

    /// The fast path for the common case: compare the numbers, or `nil` when a side has another shape.
    ///
    /// Applies to `major.minor.patch` with parts of at most five digits against a padded operand of the
    /// same shape (`"    5-    2-    0-~"`).
    @inline(__always)
    static func compareSimple(_ actual: UnsafeBufferPointer<UInt8>, _ padded: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let expected = simpleParts(padded: padded) else { return nil }
        return compareSimple(actual, expected)
    }

    /// The three numbers of a padded `major.minor.patch` (`"    5-    2-    0-~"`), or `nil`.
    static func simpleParts(padded: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard padded.count == 19, padded[17] == 0x2D, padded[18] == 0x7E else { return nil }
        var expected: (Int, Int, Int) = (0, 0, 0)
        for part in 0..<3 {
            var number = 0
            var seenDigit = false
            for offset in 0..<5 {
                let byte = padded[part * 6 + offset]
                if byte == 0x20 {
                    guard !seenDigit else { return nil }
                } else if byte >= 0x30 && byte <= 0x39 {
                    seenDigit = true
                    number = number * 10 + Int(byte - 0x30)
                } else {
                    return nil
                }
            }
            guard seenDigit, part == 2 || padded[part * 6 + 5] == 0x2D else { return nil }
            if part == 0 { expected.0 = number } else if part == 1 { expected.1 = number } else { expected.2 = number }
        }
        return expected
    }

    /// Compares a plain `major.minor.patch` (parts of at most five digits) with three numbers; `nil` when
    /// `actual` has another shape.
    @inline(__always)
    static func compareSimple(_ actual: UnsafeBufferPointer<UInt8>, _ expected: (Int, Int, Int)) -> Int? {
        var parts: (Int, Int, Int) = (0, 0, 0)
        var part = 0
        var digits = 0
        var number = 0
        for byte in actual {
            if byte >= 0x30 && byte <= 0x39 {
                digits += 1
                guard digits <= 5 else { return nil }
                number = number * 10 + Int(byte - 0x30)
            } else if byte == 0x2E {
                guard digits > 0, part < 2 else { return nil }
                if part == 0 { parts.0 = number } else { parts.1 = number }
                part += 1
                digits = 0
                number = 0
            } else {
                return nil
            }
        }
        guard part == 2, digits > 0 else { return nil }
        parts.2 = number
        if parts.0 != expected.0 { return parts.0 < expected.0 ? -1 : 1 }
        if parts.1 != expected.1 { return parts.1 < expected.1 ? -1 : 1 }
        if parts.2 != expected.2 { return parts.2 < expected.2 ? -1 : 1 }
        return 0
    }

    /// The padded string as text (for traces and tests).
    static func padded(_ text: String) -> String {
        var text = text.isEmpty ? "0" : text
        return text.withUTF8 { bytes in
            var iterator = PaddedBytes(bytes)
            var output: [UInt8] = []
            while true {
                let byte = iterator.next()
                if byte < 0 { break }
                output.append(UInt8(byte))
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// The bytes of GrowthBook's padded version string; `next()` gives -1 at the end.
    private struct PaddedBytes {
        let bytes: UnsafeBufferPointer<UInt8>
        let end: Int
        let partCount: Int
        var position: Int
        var part = 0
        var pendingSpaces = 0
        var partEnd = -1
        var emittedTilde = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            let bytes = self.bytes
            var start = 0
            if bytes.count > 0, bytes[0] == 0x76 { start = 1 }  // v
            var end = bytes.count
            for index in start..<bytes.count where bytes[index] == 0x2B {  // +
                end = index
                break
            }
            var parts = 1
            for index in start..<max(start, end) where bytes[index] == 0x2D || bytes[index] == 0x2E { parts += 1 }
            self.end = end
            self.partCount = parts
            self.position = start
        }

        private static func isSeparator(_ byte: UInt8) -> Bool { byte == 0x2D || byte == 0x2E }

        mutating func next() -> Int {
            while true {
                if part >= partCount {
                    // After the last part: "-~" when there were exactly three parts.
                    guard partCount == 3, emittedTilde < 2 else { return -1 }
                    emittedTilde += 1
                    return emittedTilde == 1 ? 0x2D : 0x7E
                }
                if partEnd < 0 {
                    // Entering a part: find its end and whether it is all digits.
                    var scan = position
                    var numeric = true
                    while scan < end, !Self.isSeparator(bytes[scan]) {
                        if bytes[scan] < 0x30 || bytes[scan] > 0x39 { numeric = false }
                        scan += 1
                    }
                    partEnd = scan
                    let length = scan - position
                    pendingSpaces = numeric && length > 0 && length < 5 ? 5 - length : 0
                }
                if pendingSpaces > 0 {
                    pendingSpaces -= 1
                    return 0x20
                }
                if position < partEnd {
                    let byte = bytes[position]
                    position += 1
                    return Int(byte)
                }
                // The part is done: skip its separator and emit the joining "-" unless it was the last.
                part += 1
                partEnd = -1
                position += 1
                if part < partCount { return 0x2D }
            }
        }
    }
}
