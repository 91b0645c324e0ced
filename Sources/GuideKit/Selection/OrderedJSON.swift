/// A JSON value whose object members keep their order, for stable, readable output.
enum OrderedJSON {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// An optional string, or `null`.
    static func text(_ value: String?) -> OrderedJSON { value.map(OrderedJSON.string) ?? .null }

    /// An optional integer, or `null`.
    static func integer(_ value: Int?) -> OrderedJSON { value.map { .number(Double($0)) } ?? .null }

    /// The JSON text, indented by two spaces per level when `pretty`.
    func rendered(pretty: Bool = true, indent: Int = 0) -> String {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let close = pretty ? String(repeating: "  ", count: indent) : ""
        let newline = pretty ? "\n" : ""
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .string(let text): return Self.quoted(text)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let inner = items.map { pad + $0.rendered(pretty: pretty, indent: indent + 1) }
            return "[" + newline + inner.joined(separator: "," + newline) + newline + close + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let inner = members.map {
                pad + Self.quoted($0.0) + (pretty ? ": " : ":") + $0.1.rendered(pretty: pretty, indent: indent + 1)
            }
            return "{" + newline + inner.joined(separator: "," + newline) + newline + close + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        JSONString.quoted(text)
    }
}
