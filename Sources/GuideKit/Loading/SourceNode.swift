/// A YAML (or JSON) document as GuideKit reads it: a tree of scalars, sequences and mappings, each with
/// the place it was written.
///
/// The loader builds it from libyaml's events; no other part of GuideKit sees a parser type. Scalars keep
/// their raw text and whether they were quoted, so each is read as the type expected at its position
/// (YAML 1.2 core schema): `locale: no` stays the string `no` and `version: 1.10` stays `1.10` where a
/// string is expected.
package struct SourceNode: Sendable, Hashable {
    /// A scalar as written.
    package struct Scalar: Sendable, Hashable {
        /// The scalar's text after YAML unescaping and folding.
        package var text: String
        /// `true` for a plain (unquoted, non-block) scalar, the only kind whose type is inferred.
        package var isPlain: Bool
        /// An explicit tag (`!!str`), if any.
        package var tag: String?

        /// Creates a scalar.
        package init(text: String, isPlain: Bool, tag: String? = nil) {
            self.text = text
            self.isPlain = isPlain
            self.tag = tag
        }
    }

    /// A key and its value in a mapping, in document order.
    package struct Pair: Sendable, Hashable {
        /// The key (a scalar in every GuideKit file).
        package var key: SourceNode
        /// The value.
        package var value: SourceNode

        /// Creates a pair.
        package init(key: SourceNode, value: SourceNode) {
            self.key = key
            self.value = value
        }
    }

    /// What the node holds.
    package enum Content: Sendable, Hashable {
        /// A scalar.
        case scalar(Scalar)
        /// A sequence, in order.
        case sequence([SourceNode])
        /// A mapping, in document order (duplicate keys are reported by the loader and the first is kept).
        case mapping([Pair])
    }

    /// What the node holds.
    package var content: Content
    /// Where the node starts.
    package var location: SourceLocation

    /// Creates a node.
    package init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }
}
