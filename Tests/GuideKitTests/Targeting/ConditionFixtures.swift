import Foundation
import GuideKit
import Testing

/// One case of the YAML condition table in `Fixtures/Targeting/*.yaml`.
struct ConditionFixture: Sendable, CustomTestStringConvertible {
    var file: String
    var name: String
    var condition: SourceNode
    var state: Value
    var expected: Bool
    var catalog: Catalog

    var testDescription: String { "\(file): \(name)" }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Targeting")

    /// Every case of every table file; a file that cannot be read yields a case that fails saying so.
    static let all: [ConditionFixture] = {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix("lint") }
            .sorted()
        return files.flatMap { load($0) }
    }()

    static func load(_ file: String) -> [ConditionFixture] {
        let url = directory.appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8),
            let root = try? YAMLSource.parse(text, file: file),
            case .mapping(let sections) = root.content
        else { return [ConditionFixture(file: file, name: "unreadable", condition: .init(.mapping([]), at: .init(file: file, line: 0, column: 0)), state: .null, expected: false, catalog: Catalog())] }
        var catalog = Catalog()
        var cases: [SourceNode] = []
        for section in sections {
            switch section.key.scalarText {
            case "catalog":
                guard case .mapping(let parts) = section.value.content else { continue }
                for part in parts {
                    guard case .mapping(let entries) = part.value.content else { continue }
                    for entry in entries {
                        let name = entry.key.scalarText ?? ""
                        if part.key.scalarText == "segments" {
                            catalog.segments[name] = Catalog.Segment(name: name, condition: entry.value, location: entry.key.location)
                        } else if part.key.scalarText == "groups", case .array(let members) = entry.value.jsonValue {
                            let ids = members.compactMap { if case .string(let id) = $0 { id } else { nil } }
                            catalog.groups[name] = Catalog.Group(name: name, members: ids, location: entry.key.location)
                        }
                    }
                }
            case "cases":
                if case .sequence(let items) = section.value.content { cases = items }
            default: continue
            }
        }
        return cases.compactMap { item in
            guard case .mapping(let fields) = item.content else { return nil }
            func field(_ name: String) -> SourceNode? { fields.first { $0.key.scalarText == name }?.value }
            guard let name = field("name")?.scalarText, let condition = field("condition"), let state = field("state"),
                case .bool(let expected)? = field("expected")?.jsonValue
            else { return nil }
            return ConditionFixture(
                file: file,
                name: name,
                condition: condition,
                state: state.jsonValue,
                expected: expected,
                catalog: catalog
            )
        }
    }
}

@Suite("Condition table (YAML fixtures)")
struct ConditionFixtureTests {
    /// A fixed clock for states without `now`.
    static let now = Timestamp.seconds(parsing: "2026-11-23T10:00:00Z") ?? 0

    @Test func theTableHasAtLeast150Cases() {
        #expect(ConditionFixture.all.count >= 150)
        let names = ConditionFixture.all.map { "\($0.file): \($0.name)" }
        #expect(Set(names).count == names.count, "case names are unique")
    }

    @Test(arguments: ConditionFixture.all)
    func evaluates(_ fixture: ConditionFixture) {
        let condition = Condition(fixture.condition, catalog: fixture.catalog)
        let document = ConditionDocument(fixture.state, now: Self.now)
        #expect(condition.isSatisfied(by: document) == fixture.expected)
    }
}
