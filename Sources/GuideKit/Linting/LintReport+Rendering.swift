import Foundation

extension LintReport {
    /// The findings grouped by file for a terminal, then the summary line.
    ///
    /// ```
    /// guides/welcome.yaml
    ///   12:7  error    [unknown-field] 'titel' is not a step field; did you mean 'title'?
    ///
    /// 12 guides, 1 error, 0 warnings
    /// ```
    ///
    /// - Parameter colored: whether to use ANSI colours (only for a terminal that wants them).
    /// - Returns: the text, ending with a newline.
    public func renderHuman(colored: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var output = ""
        var groups: [(file: String, diagnostics: [Diagnostic])] = []
        for diagnostic in diagnostics {
            if groups.last?.file == diagnostic.location.file {
                groups[groups.count - 1].diagnostics.append(diagnostic)
            } else {
                groups.append((diagnostic.location.file, [diagnostic]))
            }
        }
        for group in groups {
            output += paint(group.file.isEmpty ? "<input>" : group.file, "1;4") + "\n"
            let width = group.diagnostics.map { "\($0.location.line):\($0.location.column)".count }.max() ?? 0
            for diagnostic in group.diagnostics {
                let place = "\(diagnostic.location.line):\(diagnostic.location.column)"
                let padded = place + String(repeating: " ", count: width - place.count)
                let severity = diagnostic.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                let colour = diagnostic.severity == .error ? "31" : diagnostic.severity == .warning ? "33" : "36"
                var line =
                    "  \(paint(padded, "2"))  \(paint(severity, colour))  [\(diagnostic.rule)] \(diagnostic.message)"
                if let fix = diagnostic.fix { line += paint("; \(fix)", "2") }
                output += line + "\n"
                for related in diagnostic.related {
                    output += String(repeating: " ", count: width + 13) + paint("see \(related)", "2") + "\n"
                }
            }
            output += "\n"
        }
        let summaryColour = errorCount > 0 ? "1;31" : warningCount > 0 ? "1;33" : "1;32"
        return output + paint(summary, summaryColour) + "\n"
    }

    /// The findings as a JSON array of `{file, line, column, severity, rule, message, fix}` objects, for
    /// editors and scripts (`fix` is `null` when there is none).
    ///
    /// - Returns: the JSON text, ending with a newline.
    public func renderJSON() -> String {
        guard !diagnostics.isEmpty else { return "[]\n" }
        let objects = diagnostics.map { diagnostic in
            let fields = [
                "\"file\": \(Self.json(diagnostic.location.file))",
                "\"line\": \(diagnostic.location.line)",
                "\"column\": \(diagnostic.location.column)",
                "\"severity\": \(Self.json(diagnostic.severity.rawValue))",
                "\"rule\": \(Self.json(diagnostic.rule))",
                "\"message\": \(Self.json(diagnostic.message))",
                "\"fix\": \(diagnostic.fix.map(Self.json) ?? "null")",
            ]
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// The findings as GitHub Actions annotations (`::error file=…,line=…,col=…::[rule] message`), then the
    /// summary line.
    ///
    /// - Returns: the text, ending with a newline.
    public func renderGitHub() -> String {
        var output = ""
        for diagnostic in diagnostics {
            let command =
                diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
            let location = diagnostic.location
            var message = "[\(diagnostic.rule)] \(diagnostic.message)"
            if let fix = diagnostic.fix { message += "; \(fix)" }
            output += "::\(command) file=\(Self.property(location.file)),line=\(location.line),col=\(location.column)::"
            output += Self.data(message) + "\n"
        }
        return output + summary + "\n"
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String {
        JSONString.quoted(text)
    }

    /// Escapes a workflow command's message.
    private static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a workflow command's property value.
    private static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
