/// A YAML (or JSON) document as GuideKit reads it: a tree of scalars, sequences and mappings, each with
/// the place it was written.
///
/// The loader builds it from libyaml's events; no other part of GuideKit sees a parser type. Scalars keep
/// their raw text and whether they were quoted, so each is read as the type expected at its position
/// (YAML 1.2 core schema): `locale: no` stays the string `no` and `version: 1.10` stays `1.10` where a
/// string is expected.
public struct SourceNode: Sendable, Hashable {
    /// A scalar as written.
    public struct Scalar: Sendable, Hashable {
        /// The scalar's text after YAML unescaping and folding.
        public var text: String
        /// `true` for a plain (unquoted, non-block) scalar, the only kind whose type is inferred.
        public var isPlain: Bool
        /// An explicit tag (`!!str`), if any.
        public var tag: String?

        /// Creates a scalar.
        public init(text: String, isPlain: Bool, tag: String? = nil) {
            self.text = text
            self.isPlain = isPlain
            self.tag = tag
        }
    }

    /// A key and its value in a mapping, in document order.
    public struct Pair: Sendable, Hashable {
        /// The key (a scalar in every GuideKit file).
        public var key: SourceNode
        /// The value.
        public var value: SourceNode

        /// Creates a pair.
        public init(key: SourceNode, value: SourceNode) {
            self.key = key
            self.value = value
        }
    }

    /// What the node holds.
    public enum Content: Sendable, Hashable {
        /// A scalar.
        case scalar(Scalar)
        /// A sequence, in order.
        case sequence([SourceNode])
        /// A mapping, in document order (duplicate keys are reported by the loader and the first is kept).
        case mapping([Pair])
    }

    /// What the node holds.
    public var content: Content
    /// Where the node starts.
    public var location: SourceLocation

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }
}
