/// Reads one YAML (or JSON) text into a ``SourceNode`` with the loader's composer, for the places that
/// need a single tree and treat any finding as an error: user states, scenario files and conditions given
/// on the command line.
///
/// Guide and project files go through ``GuideLoader`` instead, which reports every finding.
package enum YAMLSource {
    /// The first error the composer found in the text (a syntax error, a duplicate key, several documents).
    package struct SyntaxError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, with the fix when one is known.
        package var message: String
        /// Where.
        package var location: SourceLocation

        /// `file:line:column: message`.
        package var description: String { "\(location): \(message)" }
    }

    /// Parses one YAML document; an empty document is an empty mapping.
    ///
    /// - Parameters:
    ///   - text: the YAML or JSON text.
    ///   - file: the path to name in locations.
    /// - Returns: the document's root.
    /// - Throws: ``SyntaxError`` for the first error the composer reports.
    package static func parse(_ text: String, file: String = "") throws(SyntaxError) -> SourceNode {
        var text = text
        let result = text.withUTF8 { YAMLComposer.compose(UnsafeRawBufferPointer($0), file: file) }
        if let error = result.diagnostics.first(where: { $0.severity == .error }) {
            var message = "[\(error.rule)] \(error.message)"
            if let fix = error.fix { message += "; \(fix)" }
            throw SyntaxError(message: message, location: error.location)
        }
        return result.root ?? SourceNode(.mapping([]), at: SourceLocation(file: file, line: 1, column: 1))
    }
}
