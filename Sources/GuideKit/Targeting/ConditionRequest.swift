/// One line of `guidekit eval --jsonl`: a condition, the attributes to evaluate it against and optional
/// saved groups, answered by one line.
///
/// Input: `{"condition": C, "attributes": S, "savedGroups": G}` (`"state"` is accepted for
/// `"attributes"`; `savedGroups` is optional). Output: `{"result": true}`, `{"result": false}` or
/// `{"error": "…"}`. The attributes are evaluated as written, as GrowthBook's `evalCondition` does.
public enum ConditionRequest {
    /// Answers one request line.
    ///
    /// - Parameters:
    ///   - line: the request, one JSON object.
    ///   - now: the evaluation time for attributes without `now` (seconds since 1970).
    /// - Returns: the response line, without a newline.
    public static func response(to line: String, now: Double) -> String {
        switch evaluate(line, now: now) {
        case .success(let result): return "{\"result\": \(result)}"
        case .failure(let error): return "{\"error\": \(ConditionTrace.text(.string(error.message)))}"
        }
    }

    /// A request that cannot be evaluated.
    public struct Failure: Error, Sendable, Hashable {
        /// What is wrong with the request.
        public var message: String
    }

    /// Evaluates one request line.
    ///
    /// - Parameters:
    ///   - line: the request, one JSON object.
    ///   - now: the evaluation time for attributes without `now`.
    /// - Returns: the result, or why the line cannot be evaluated.
    public static func evaluate(_ line: String, now: Double) -> Result<Bool, Failure> {
        let node: SourceNode
        do {
            node = try JSONSourceParser.parse(line)
        } catch {
            return .failure(Failure(message: "invalid JSON at column \(error.location.column): \(error.message)"))
        }
        guard case .mapping(let pairs) = node.content else {
            return .failure(
                Failure(message: "a request must be a JSON object {\"condition\", \"attributes\", \"savedGroups\"}")
            )
        }
        var condition: SourceNode?
        var attributes: Value?
        var groups: [String: [Value]] = [:]
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            switch key {
            case "condition":
                guard case .mapping = pair.value.content else {
                    return .failure(Failure(message: "\"condition\" must be an object"))
                }
                condition = pair.value
            case "attributes", "state":
                guard attributes == nil else {
                    return .failure(Failure(message: "give either \"attributes\" or \"state\", not both"))
                }
                guard case .object = pair.value.jsonValue else {
                    return .failure(Failure(message: "\"\(key)\" must be an object"))
                }
                attributes = pair.value.jsonValue
            case "savedGroups":
                guard case .object(let members) = pair.value.jsonValue else {
                    return .failure(Failure(message: "\"savedGroups\" must be an object of arrays"))
                }
                for (name, value) in members {
                    guard case .array(let items) = value else {
                        return .failure(Failure(message: "saved group \"\(name)\" must be an array"))
                    }
                    groups[name] = items
                }
            default:
                let fix = Suggestion.didYouMean(key, in: ["condition", "attributes", "state", "savedGroups"])
                return .failure(Failure(message: "unknown key \"\(key)\"" + (fix.map { "; \($0)" } ?? "")))
            }
        }
        guard let condition else { return .failure(Failure(message: "missing \"condition\"")) }
        let compiled = Condition(condition, groups: groups)
        return .success(compiled.isSatisfied(by: ConditionDocument(attributes ?? .object([:]), now: now)))
    }
}
