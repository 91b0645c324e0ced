import Foundation
import GuideKit
import Testing

/// GrowthBook's SDK conformance suite (MIT), a copy kept in `Fixtures/GrowthBook/` with its licence and source.
enum GrowthBookSuite {
    /// The suite's path, found from this source file: `Tests/GuideKitTests/Fixtures/GrowthBook/…`.
    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Targeting
        .deletingLastPathComponent()  // GuideKitTests
        .appendingPathComponent("Fixtures/GrowthBook/growthbook-cases.json")

    /// The whole suite, or `nil` when it cannot be read (a test then fails saying so).
    static let root: SourceNode? = {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return try? JSONSourceParser.parse(text, file: "growthbook-cases.json")
    }()

    /// One section's cases (each a JSON array).
    static func section(_ name: String) -> [SourceNode] {
        guard case .mapping(let pairs)? = root?.content,
            let section = pairs.first(where: { $0.key.jsonValue == .string(name) }),
            case .sequence(let cases) = section.value.content
        else { return [] }
        return cases
    }

    /// The items of a JSON array node.
    static func items(_ node: SourceNode) -> [SourceNode] {
        if case .sequence(let items) = node.content { return items }
        return []
    }
}

/// One `evalCondition` case.
struct EvalConditionCase: Sendable, CustomTestStringConvertible {
    var index: Int
    var name: String
    var condition: SourceNode
    var attributes: Value
    var expected: Bool
    var savedGroups: [String: [Value]]

    var testDescription: String { "#\(index) \(name)" }

    static let all: [EvalConditionCase] = GrowthBookSuite.section("evalCondition").enumerated().compactMap {
        offset,
        node in
        let parts = GrowthBookSuite.items(node)
        guard parts.count >= 4, case .string(let name) = parts[0].jsonValue,
            case .bool(let expected) = parts[3].jsonValue
        else { return nil }
        var groups: [String: [Value]] = [:]
        if parts.count > 4, case .object(let members) = parts[4].jsonValue {
            for (key, value) in members {
                if case .array(let items) = value { groups[key] = items }
            }
        }
        return EvalConditionCase(
            index: offset,
            name: name,
            condition: parts[1],
            attributes: parts[2].jsonValue,
            expected: expected,
            savedGroups: groups
        )
    }
}
