extension TimelineRunner.Result {
    /// The replay for people: after each line, its time, what it did and what is shown.
    ///
    /// - Returns: the text, ending with a newline.
    public func renderText() -> String {
        var output = ""
        for step in steps {
            let location = "\(step.line.location.line)".padding(toLength: 4, withPad: " ", startingAt: 0)
            let decision = step.selection.decision
            var shown = decision.guideID == nil ? "nothing" : decision.summary
            if let variant = decision.variant { shown += " [\(variant)]" }
            if decision.resumes { shown += " (resumed)" }
            output +=
                "\(location) \(Timestamp.string(from: step.time))  "
                + step.line.summary.padding(toLength: 34, withPad: " ", startingAt: 0) + " → " + shown + "\n"
            if let title = decision.step?.title {
                output += String(repeating: " ", count: 27) + "\"\(title)\"\n"
            }
            let changes = step.events.filter { $0.name != .stepCompleted }.map(\.summary)
            if !changes.isEmpty {
                output += String(repeating: " ", count: 27) + "events: " + changes.joined(separator: ", ") + "\n"
            }
            if let failure = step.failure {
                output += "FAIL " + failure.description + "\n"
            }
        }
        if let error { output += "ERROR " + error.description + "\n" }
        return output
    }

    /// The replay as JSON Lines: one object per line with the time, the line, the decision (in full, as
    /// `Schemas/decision.schema.json` describes it) and the events.
    ///
    /// - Returns: the text, one object per line.
    public func renderJSONLines() -> String {
        steps.map { step in
            let decision = step.selection.decision
            let object: OrderedJSON = .object([
                ("line", .number(Double(step.line.location.line))),
                ("time", .string(Timestamp.string(from: step.time))),
                ("do", .string(step.line.summary)), ("guide", .text(decision.guideID)),
                ("step", .text(decision.step?.id)),
                ("variant", .text(decision.variant)), ("resumes", .bool(decision.resumes)),
                ("decision", (try? OrderedJSON.encoding(decision)) ?? .null),
                (
                    "events",
                    .array(
                        step.events.map {
                            .object([
                                ("event", .string($0.name.rawValue)), ("guide", .string($0.guideID)),
                                ("step", .text($0.step)),
                            ])
                        }
                    )
                ),
                ("failure", .text(step.failure?.description)),
            ])
            return object.rendered(pretty: false)
        }.joined(separator: "\n") + "\n"
    }
}
