/// Why a `$regex` pattern does not compile: what is wrong and where (a 1-based offset in scalars).
struct RegexSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong (`unclosed group`, `lookahead (?=…) is not supported`).
    var message: String
    /// The 1-based position of the offending scalar in the pattern.
    var offset: Int

    var description: String { "\(message) at character \(offset)" }
}
