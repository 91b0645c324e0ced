import GuideKit
import Testing

@Test func locationsPrintAsFileLineColumn() {
    let location = SourceLocation(file: "guides/welcome.yaml", line: 12, column: 7)
    #expect(location.description == "guides/welcome.yaml:12:7")
}

@Test func diagnosticsPrintWithRuleAndFix() {
    let diagnostic = Diagnostic(
        .error,
        rule: "unknown-field",
        "'titel' is not a step field",
        at: SourceLocation(file: "guides/welcome.yaml", line: 12, column: 7),
        fix: "did you mean 'title'?"
    )
    #expect(
        diagnostic.description
            == "guides/welcome.yaml:12:7: error: [unknown-field] 'titel' is not a step field; did you mean 'title'?"
    )
}
