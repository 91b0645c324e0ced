/// Renders a condition as one line of YAML flow text, for verdicts and traces.
enum ConditionText {
    /// The node as flow YAML without outer braces: `user.role: {$in: [owner, admin]}`.
    static func render(_ node: SourceNode) -> String {
        if case .mapping(let pairs) = node.content, !pairs.isEmpty {
            return pairs.map { flow($0.key) + ": " + flow($0.value) }.joined(separator: ", ")
        }
        return flow(node)
    }

    /// The node as flow YAML.
    static func flow(_ node: SourceNode) -> String {
        switch node.content {
        case .scalar(let scalar):
            return scalar.isPlain || !needsQuotes(scalar.text) ? scalar.text : "\"\(scalar.text)\""
        case .sequence(let items):
            return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { flow($0.key) + ": " + flow($0.value) }.joined(separator: ", ") + "}"
        }
    }

    private static func needsQuotes(_ text: String) -> Bool {
        text.isEmpty || text.contains(where: { ":{}[],#&*!|>'\"%@`".contains($0) }) || text.hasPrefix(" ")
            || text.hasSuffix(" ")
    }
}
