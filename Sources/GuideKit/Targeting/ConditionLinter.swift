import Foundation

/// Checks conditions against the documented user state and the project's catalog, before release.
///
/// Findings are ``Diagnostic``s with rule ids, positions and fixes; <doc:Targeting> lists every rule.
/// `guidekit lint` runs ``diagnostics(for:)`` on every condition (audiences, step and branch `when`,
/// checklist `done_when`, and each segment's condition) and ``diagnostics(forSegmentsIn:)`` once per
/// project.
///
/// ```swift
/// let linter = ConditionLinter(catalog: catalog, guides: ["welcome-tour"])
/// for diagnostic in linter.diagnostics(for: audienceNode) { print(diagnostic) }
/// // guides/welcome.yaml:4:14: error: [value-not-allowed] 'trail' is not a value of user.plan; did you mean 'trial'?
/// ```
public struct ConditionLinter: Sendable {
    /// The namespaces a condition path may start with.
    public static let namespaces = ["id", "user", "account", "events", "guides", "page", "device", "locale", "now"]

    /// The catalog conditions are checked against.
    public let catalog: Catalog
    /// The guide ids of the folder, for `guides.<id>` paths; `nil` when unknown (not checked).
    public let guides: Set<String>?

    /// Creates a linter.
    ///
    /// - Parameters:
    ///   - catalog: the project's catalog; attributes and events are checked only when it declares any.
    ///   - guides: the guide ids of the folder, to check `guides.<id>` paths; `nil` skips that check.
    public init(catalog: Catalog, guides: Set<String>? = nil) {
        self.catalog = catalog
        self.guides = guides
    }

    /// The findings for one condition.
    ///
    /// - Parameter node: the condition as written (a mapping).
    /// - Returns: the diagnostics, in document order.
    package func diagnostics(for node: SourceNode) -> [Diagnostic] {
        var walker = LintWalker(linter: self)
        walker.condition(node)
        return walker.diagnostics.sorted { $0.location < $1.location }
    }

    /// The findings for one condition given as a value (for example read from JSON), as
    /// ``Condition/init(_:catalog:groups:)`` compiles it.
    ///
    /// A value keeps no places, so every finding is at line 1, column 1 of no file; lint a guide or project
    /// file (``Linter``) to have each finding at its line.
    ///
    /// ```swift
    /// let condition: Value = .object(["user.plan": .string("trail")])
    /// for diagnostic in ConditionLinter(catalog: catalog).diagnostics(for: condition) { print(diagnostic) }
    /// ```
    ///
    /// - Parameter condition: the condition, an object.
    /// - Returns: the diagnostics.
    public func diagnostics(for condition: Value) -> [Diagnostic] {
        diagnostics(for: SourceNode(condition, at: SourceLocation(file: "", line: 1, column: 1)))
    }

    /// The project-level findings for the catalog's segments: every `$segment` cycle, once, at the
    /// reference that closes it.
    ///
    /// Each segment's own condition is checked by ``diagnostics(for:)``.
    ///
    /// - Parameter catalog: the catalog whose segments to check.
    /// - Returns: the diagnostics.
    public func diagnostics(forSegmentsIn catalog: Catalog) -> [Diagnostic] {
        var references: [String: [(name: String, location: SourceLocation)]] = [:]
        for (name, segment) in catalog.segments {
            var found: [(String, SourceLocation)] = []
            Self.collectSegmentReferences(segment.condition, into: &found)
            references[name] = found.map { (name: $0.0, location: $0.1) }
        }
        var diagnostics: [Diagnostic] = []
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ name: String) {
            state[name] = 1
            stack.append(name)
            for reference in references[name] ?? [] where catalog.segments[reference.name] != nil {
                switch state[reference.name] {
                case 1:
                    let cycle = stack.drop { $0 != reference.name } + [reference.name]
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            rule: "segment-cycle",
                            "segment cycle: \(cycle.joined(separator: " → ")); a cyclic segment never matches",
                            at: reference.location,
                            fix: "remove one of the $segment references",
                            related: cycle.dropLast().compactMap { catalog.segments[$0]?.location }
                        )
                    )
                case nil: visit(reference.name)
                default: break
                }
            }
            stack.removeLast()
            state[name] = 2
        }
        for name in catalog.segments.keys.sorted() where state[name] == nil { visit(name) }
        return diagnostics.sorted { $0.location < $1.location }
    }

    static func collectSegmentReferences(_ node: SourceNode, into found: inout [(String, SourceLocation)]) {
        switch node.content {
        case .scalar: return
        case .sequence(let items): for item in items { collectSegmentReferences(item, into: &found) }
        case .mapping(let pairs):
            for pair in pairs {
                if pair.key.scalarText == "$segment", let name = pair.value.scalarText {
                    found.append((name, pair.value.location))
                } else {
                    collectSegmentReferences(pair.value, into: &found)
                }
            }
        }
    }
}
