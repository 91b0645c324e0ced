/// A set of Unicode scalars for a regex class: ranges, the built-in classes, negation.
struct ScalarSet: Sendable, Hashable {
    /// A built-in class (`\d`, `\w`, `\s`), possibly negated (`\D`).
    struct Builtin: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case digit, word, space }
        var kind: Kind
        var isNegated: Bool

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            let inside: Bool
            switch kind {
            case .digit: inside = ScalarSet.isDigit(scalar)
            case .word: inside = ScalarSet.isWord(scalar)
            case .space: inside = scalar.properties.isWhitespace
            }
            return inside != isNegated
        }
    }

    /// Scalar ranges, inclusive.
    var ranges: [ClosedRange<UInt32>] = []
    /// Built-in classes.
    var builtins: [Builtin] = []
    /// `[^…]`.
    var isNegated = false
    /// `$regexi`: a scalar is in the set when it, its lowercase or its uppercase form is.
    var isCaseInsensitive = false

    /// `true` when `scalar` is in the set.
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var inside = containsExactly(scalar)
        if !inside, isCaseInsensitive {
            let lower = Self.fold(scalar)
            let upper = Self.upper(scalar)
            inside = (lower != scalar && containsExactly(lower)) || (upper != scalar && containsExactly(upper))
        }
        return inside != isNegated
    }

    private func containsExactly(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        for range in ranges where range.contains(value) { return true }
        for builtin in builtins where builtin.contains(scalar) { return true }
        return false
    }

    /// ICU's `\d`: a decimal digit in any script (`Nd`).
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 0x30 && scalar.value <= 0x39 }
        return scalar.properties.generalCategory == .decimalNumber
    }

    /// ICU's `\w`: alphabetic, a mark, a decimal digit, connector punctuation, or a joiner.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if scalar.isASCII {
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x61 && value <= 0x7A) || value == 0x5F
        }
        if value == 0x200C || value == 0x200D { return true }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// A line terminator, which `.` does not match (as in ICU).
    static func isLineTerminator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// The scalar's simple lowercase form (itself when lowercasing gives several scalars).
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            let value = scalar.value
            return value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar
        }
        return single(scalar.properties.lowercaseMapping) ?? scalar
    }

    /// The scalar's simple uppercase form (itself when uppercasing gives several scalars).
    static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            let value = scalar.value
            return value >= 0x61 && value <= 0x7A ? Unicode.Scalar(UInt8(value - 0x20)) : scalar
        }
        return single(scalar.properties.uppercaseMapping) ?? scalar
    }

    private static func single(_ text: String) -> Unicode.Scalar? {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }
}
