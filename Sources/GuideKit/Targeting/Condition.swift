/// A targeting condition, compiled once and evaluated many times.
///
/// Conditions are GrowthBook's MongoDB-style queries (implicit equality, implicit AND of keys, `$gt`,
/// `$in`, `$regex`, `$vgte`, `$inGroup`, …) plus GuideKit's `$newerThan`, `$olderThan`, `$glob`,
/// `$segment` and `$performed`; <doc:Targeting> describes every operator. Compiling resolves paths,
/// operators, regular expressions, globs, durations, segments and saved groups; evaluation parses nothing,
/// is pure, and can explain itself clause by clause.
///
/// Compiling never fails: what cannot apply (an unknown operator, an invalid regex, an unknown segment)
/// never passes, as in GrowthBook, and ``ConditionLinter`` reports it with its position.
///
/// ```swift
/// let audience = Condition(node, catalog: catalog)
/// let document = ConditionDocument(state.completed(with: catalog, guides: ids).document)
/// if audience.isSatisfied(by: document) { … }
/// print(audience.explain(document).rendered())
/// ```
public struct Condition: Sendable, Hashable {
    /// The compiled condition, shared by copies: copying a condition costs one reference count.
    final class Storage: Sendable {
        let root: Clause
        let program: Program
        let location: SourceLocation

        init(root: Clause, location: SourceLocation) {
            self.root = root
            self.program = Program(root)
            self.location = location
        }
    }

    let storage: Storage

    /// The compiled tree (for explanations and the operators the program hands back).
    var root: Clause { storage.root }
    /// The tree flattened for fast evaluation.
    var program: Program { storage.program }
    /// Where the condition is written.
    public var location: SourceLocation { storage.location }

    /// Two conditions are equal when they compiled to the same tree at the same place.
    public static func == (lhs: Condition, rhs: Condition) -> Bool {
        lhs.storage === rhs.storage || (lhs.root == rhs.root && lhs.location == rhs.location)
    }

    /// Hashes the compiled tree and its place.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(root)
        hasher.combine(location)
    }

    /// Compiles a condition as written in a guide or project file.
    ///
    /// - Parameters:
    ///   - node: the condition, a mapping.
    ///   - catalog: the project's catalog, for `$segment` and for saved groups.
    ///   - groups: more saved groups (or replacements), by name, for `$inGroup` / `$notInGroup`.
    package init(_ node: SourceNode, catalog: Catalog = Catalog(), groups: [String: [Value]] = [:]) {
        var compiler = ConditionCompiler(catalog: catalog, groups: groups)
        storage = Storage(root: compiler.clause(node), location: node.location)
    }

    /// Compiles a condition given as a value (for example read from JSON).
    ///
    /// Object keys are taken in sorted order (a `Value` keeps none); evaluation does not depend on it.
    ///
    /// - Parameters:
    ///   - value: the condition, an object.
    ///   - catalog: the project's catalog, for `$segment` and for saved groups.
    ///   - groups: more saved groups, by name.
    public init(_ value: Value, catalog: Catalog = Catalog(), groups: [String: [Value]] = [:]) {
        self.init(SourceNode(value, at: SourceLocation(file: "", line: 1, column: 1)), catalog: catalog, groups: groups)
    }

    /// `true` when the condition holds for the document.
    ///
    /// - Parameter document: the prepared user state.
    /// - Returns: whether every clause passes.
    public func isSatisfied(by document: ConditionDocument) -> Bool {
        program.isSatisfied(by: document)
    }

    /// `true` when the condition holds for a value (prepared on the fly; prepare a ``ConditionDocument``
    /// once when evaluating several conditions).
    ///
    /// - Parameters:
    ///   - value: the attributes.
    ///   - now: the evaluation time when `value` has no `now`; defaults to the clock.
    /// - Returns: whether every clause passes.
    public func isSatisfied(by value: Value, now: Double? = nil) -> Bool {
        isSatisfied(by: ConditionDocument(value, now: now))
    }
}
