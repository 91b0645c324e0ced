import Foundation

extension Selection {
    /// The selection for people: the decision, the step as the user reads it, and every guide's verdict.
    ///
    /// - Parameters:
    ///   - guides: the compiled guides (for priorities).
    ///   - header: a first line describing the user and context.
    ///   - explains: whether to add each audience clause's result under its guide.
    /// - Returns: the text, ending with a newline.
    public func renderText(guides: CompiledGuideSet, header: String, explains: Bool = false) -> String {
        var output = header + "\n\n"
        if let id = decision.guideID, let step = decision.step {
            var line = "shown: \(id) v\(decision.version ?? 0), step \(step.id) (\(step.kind.rawValue))"
            if let variant = decision.variant { line += ", variant \(variant)" }
            if decision.launched { line += ", launched by hand" }
            if decision.resumes { line += ", resumed" }
            if let locale = step.locale { line += ", text: \(locale)" }
            output += line + "\n\n" + Self.card(step) + "\n"
        } else {
            output += "shown: nothing\n\n"
        }
        for holdout in decision.holdouts {
            output += "holdout: \(holdout.guideID) (variant \(holdout.variant)): the user sees nothing from it\n"
        }
        if !decision.holdouts.isEmpty { output += "\n" }
        let idWidth = max(5, verdicts.map(\.guideID.count).max() ?? 0)
        output += "guide".padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  priority  verdict\n"
        for verdict in verdicts {
            let priority = guides[verdict.guideID]?.guide.priority ?? 0
            var line = verdict.guideID.padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  "
            line += String(priority).padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + verdict.reason
            if let location = verdict.block?.location, !location.file.isEmpty {
                line += " [\(location)]"
            }
            output += line + "\n"
            if explains {
                let indent = String(repeating: " ", count: idWidth + 14)
                for clause in verdict.trace {
                    let lines = clause.explanation?.rendered().split(separator: "\n").map(String.init)
                    for line in lines ?? [(clause.holds ? "✓ " : "✗ ") + clause.text] {
                        output += indent + line + "\n"
                    }
                }
            }
        }
        return output
    }

    /// The step as a card: title, body, items, question, buttons, indented.
    ///
    /// - Parameter step: the resolved step.
    /// - Returns: the lines, each ending with a newline.
    public static func card(_ step: ResolvedStep) -> String {
        var lines: [String] = []
        if let target = step.target { lines.append("→ \(target)") }
        if let title = step.title { lines.append(title) }
        if let body = step.body {
            lines += body.trimmingCharacters(in: .whitespacesAndNewlines).split(
                separator: "\n",
                omittingEmptySubsequences: false
            )
            .map(String.init)
        }
        for item in step.items { lines.append((item.done ? "☑ " : "☐ ") + item.label) }
        if let question = step.question { lines.append(question) }
        if !step.choices.isEmpty { lines.append(step.choices.map { "( ) \($0)" }.joined(separator: "  ")) }
        if !step.buttons.isEmpty { lines.append(step.buttons.map { "[\($0.text)]" }.joined(separator: " ")) }
        return lines.map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n") + "\n"
    }

    /// The selection as JSON: `{decision, verdicts}`.
    ///
    /// - Parameter user: the user id.
    /// - Returns: the JSON text, ending with a newline.
    public func renderJSON(user: String) -> String {
        json(user: user).rendered() + "\n"
    }

    func json(user: String) -> OrderedJSON {
        // The decision exactly as its `Codable` conformance writes it (`Schemas/decision.schema.json`).
        let decisionJSON = (try? OrderedJSON.encoding(decision)) ?? .null
        let verdictList: [OrderedJSON] = verdicts.map { verdict in
            var members: [(String, OrderedJSON)] = [("guide", .string(verdict.guideID))]
            switch verdict.outcome {
            case .shown: members.append(("outcome", .string("shown")))
            case .outranked(let winner):
                members += [("outcome", .string("outranked")), ("by", .string(winner))]
            case .blocked(let block):
                members += [
                    ("outcome", .string("blocked")), ("rule", .string(block.rule.rawValue)),
                    ("message", .string(block.message)),
                    ("clause", .text(block.clause)), ("location", .text(block.location.map(\.description))),
                ]
            }
            members += [
                ("variant", .text(verdict.variant)), ("resumes", .bool(verdict.resumes)),
                ("launched", .bool(verdict.launched)),
                ("reason", .string(verdict.reason)),
            ]
            if !verdict.trace.isEmpty {
                members.append(
                    (
                        "trace",
                        .array(
                            verdict.trace.map { clause in
                                var fields: [(String, OrderedJSON)] = [
                                    ("clause", .string(clause.text)), ("holds", .bool(clause.holds)),
                                ]
                                if let explanation = clause.explanation {
                                    let lines = explanation.rendered().split(separator: "\n")
                                    fields.append(("explanation", .array(lines.map { .string(String($0)) })))
                                }
                                return .object(fields)
                            }
                        )
                    )
                )
            }
            return .object(members)
        }
        return .object([
            ("user", .string(user)), ("decision", decisionJSON), ("verdicts", .array(verdictList)),
        ])
    }
}
