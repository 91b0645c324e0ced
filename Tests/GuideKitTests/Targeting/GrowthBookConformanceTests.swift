import GuideKit
import Testing

@Suite("GrowthBook conformance: evalCondition")
struct GrowthBookConformanceTests {
    /// The three cases that assume JavaScript's coercion; GuideKit follows the strict reading of
    /// GrowthBook's Python SDK 4.x (different types never order; a missing attribute never passes a
    /// comparison), so they evaluate to `false`.
    static let strictReading: Set<String> = [
        "missing attribute with comparison operators",
        "comparing numbers and strings",
        "comparing numbers and strings - v2",
    ]

    @Test func theWholeSuiteIsRead() {
        #expect(EvalConditionCase.all.count == 248, "read \(EvalConditionCase.all.count) cases from \(GrowthBookSuite.url.path)")
        let strict = EvalConditionCase.all.filter { Self.strictReading.contains($0.name) }
        #expect(strict.count == 3)
        #expect(strict.allSatisfy { $0.expected == true }, "the suite expects JavaScript's coercion there")
    }

    @Test(arguments: EvalConditionCase.all)
    func evalCondition(_ testCase: EvalConditionCase) {
        let condition = Condition(testCase.condition, groups: testCase.savedGroups)
        let expected = Self.strictReading.contains(testCase.name) ? false : testCase.expected
        #expect(condition.isSatisfied(by: testCase.attributes, now: 0) == expected)
    }

    @Test(arguments: EvalConditionCase.all)
    func evalConditionFromValue(_ testCase: EvalConditionCase) {
        let condition = Condition(testCase.condition.jsonValue, groups: testCase.savedGroups)
        let expected = Self.strictReading.contains(testCase.name) ? false : testCase.expected
        #expect(condition.isSatisfied(by: testCase.attributes, now: 0) == expected)
    }
}
