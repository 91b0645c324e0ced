import Yams

/// A stand-in YAML reader for targeting until the loader's composer is merged: Yams's composed node
/// converted to a ``SourceNode``. Kept in this one file so it can be replaced in one place.
package enum YAMLSource {
    /// A YAML syntax error with its place.
    package struct SyntaxError: Error, Sendable, CustomStringConvertible {
        /// The parser's message.
        package var message: String
        /// Where, when the parser says.
        package var location: SourceLocation

        package var description: String { "\(location): \(message)" }
    }

    /// Parses one YAML document; an empty document is an empty mapping.
    package static func parse(_ text: String, file: String = "") throws(SyntaxError) -> SourceNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SyntaxError(message: "\(error)", location: Self.location(of: error, file: file))
        } catch {
            throw SyntaxError(message: "\(error)", location: SourceLocation(file: file, line: 1, column: 1))
        }
        guard let node else { return SourceNode(.mapping([]), at: SourceLocation(file: file, line: 1, column: 1)) }
        return convert(node, file: file)
    }

    private static func location(of error: YamlError, file: String) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        default:
            return SourceLocation(file: file, line: 1, column: 1)
        }
    }

    private static func convert(_ node: Node, file: String) -> SourceNode {
        let mark = node.mark
        let location = SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            let explicitTag = scalar.tag.rawValue
            let tag: String? = explicitTag == "?" || explicitTag == "!" || explicitTag.isEmpty ? nil : explicitTag
            return SourceNode(
                .scalar(.init(text: scalar.string, isPlain: scalar.style == .plain || scalar.style == .any, tag: tag)),
                at: location
            )
        case .sequence(let sequence):
            return SourceNode(.sequence(sequence.map { convert($0, file: file) }), at: location)
        case .mapping(let mapping):
            var pairs: [SourceNode.Pair] = []
            for (key, value) in mapping {
                let convertedKey = convert(key, file: file)
                if pairs.contains(where: { $0.key.scalarText == convertedKey.scalarText }) { continue }
                pairs.append(SourceNode.Pair(key: convertedKey, value: convert(value, file: file)))
            }
            return SourceNode(.mapping(pairs), at: location)
        case .alias:
            return SourceNode(.scalar(.init(text: "", isPlain: true)), at: location)
        }
    }
}
