extension Double {
    /// The number as JavaScript's `String(n)` writes it (ECMAScript `Number::toString`): `5`, `5.5`,
    /// `-0.25`, `10000000000000000000` for `1e19`, `1e+21`, `1.5e-7`, `NaN`, `Infinity`.
    ///
    /// Total: every double has a text (the shortest digits that read back as the same double, laid out
    /// in fixed notation for decimal exponents from -6 to 21 and in scientific notation otherwise).
    var javaScriptText: String {
        if isNaN { return "NaN" }
        if self == 0 { return "0" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        if self < 0 { return "-" + (-self).javaScriptText }
        // Swift's description gives the shortest round-trip digits: "1.5", "1e+16", "1.5e-07", "123.0".
        let description = self.description
        let parts = description.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1].drop { $0 == "+" }) ?? 0 : 0
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = pieces[0]
        let fraction = pieces.count > 1 ? pieces[1] : ""
        let padded = (whole + fraction).drop { $0 == "0" }
        var digits = Substring(padded)
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count
        // The value is 0.d1…dk × 10^n.
        let n = exponent - fraction.count + padded.count
        if k <= n, n <= 21 { return String(digits) + String(repeating: "0", count: n - k) }
        if 0 < n, n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            return String(digits[..<split]) + "." + String(digits[split...])
        }
        if -6 < n, n <= 0 { return "0." + String(repeating: "0", count: -n) + String(digits) }
        let head = String(digits.prefix(1))
        let tail = k > 1 ? "." + String(digits.dropFirst()) : ""
        return head + tail + "e" + (n > 0 ? "+" : "-") + String(abs(n - 1))
    }

    /// The number as an `Int`, rounded toward zero and clamped to `Int`'s range; `0` for NaN.
    ///
    /// Total, unlike `Int(_:)`, which traps on NaN, infinities and magnitudes of 2^63 and more.
    var clampedInt: Int {
        if isNaN { return 0 }
        if self >= 9_223_372_036_854_775_808.0 { return .max }  // 2^63
        if self <= -9_223_372_036_854_775_808.0 { return .min }
        return Int(self)
    }
}
