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
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
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
        }
    }

    /// The padded string as text (for traces and tests).
    static func padded(_ text: String) -> String {
        var text = text
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
