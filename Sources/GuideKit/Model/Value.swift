/// A JSON-shaped value: what user states, event properties and condition operands are made of.
public enum Value: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number (JSON does not tell integers from reals; neither does GrowthBook).
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([Value])
    /// An object.
    case object([String: Value])
}
