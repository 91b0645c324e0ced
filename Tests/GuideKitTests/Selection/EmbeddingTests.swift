import Foundation
import GuideKit
import Testing

/// What an app or a server embedding the library relies on: a load with errors is refused, errors are
/// told apart by code, and messages do not speak of command-line options.
@Suite struct EmbeddingTests {
    typealias F = SelectionFixtures

    @Test func aLoadWithErrorsIsRefused() throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(
            yaml: "id: a\nname: A\nversion: 1\nstatus: published\nsteps:\n  - {id: s, kind: modal, titel: Hi}\n",
            file: "a.yaml"
        )
        #expect(diagnostics.contains { $0.severity == .error })
        let result = LoadResult(guides: guide.map { [$0] } ?? [], guideFiles: ["a.yaml"], diagnostics: diagnostics)
        do {
            _ = try CompiledGuideSet(result)
            Issue.record("a load with errors compiled")
        } catch {
            #expect(error.code == .hasErrors)
            #expect(error.diagnostics.map(\.rule) == ["unknown-field"])
            #expect(error.message.hasPrefix("the guides have an error; the first: a.yaml:6:"))
        }
        let clean = try CompiledGuideSet(try GuideLoader.loadFolder(at: F.path("guides")))
        #expect(clean.guides.count == 12)
    }

    @Test func aServerTellsNoSuchGuideFromNotInProgressByCode() throws {
        let machine = GuideStateMachine(F.examples)
        var state = try F.persona("new-trial-admin")
        let now = try #require(state.now)
        do {
            try machine.apply(.next(guide: "no-such-guide"), to: &state, at: now)
            Issue.record("an unknown guide was accepted")
        } catch {
            #expect(error.code == .unknownGuide)
        }
        do {
            try machine.apply(.next(guide: "welcome-tour"), to: &state, at: now)
            Issue.record("a guide not in progress moved on")
        } catch {
            #expect(error.code == .notInProgress)
            #expect(error.code != .unknownGuide)
        }
        try machine.apply(.show(guide: "welcome-tour", step: "welcome", variant: nil), to: &state, at: now)
        do {
            try machine.apply(.back(guide: "welcome-tour"), to: &state, at: now)
            Issue.record("back on the first step was accepted")
        } catch {
            #expect(error.code == .noPreviousStep)
        }
        do {
            try machine.apply(.goto(guide: "welcome-tour", step: "nowhere"), to: &state, at: now)
            Issue.record("goto to an unknown step was accepted")
        } catch {
            #expect(error.code == .unknownStep)
        }
    }

    /// Library messages name no command-line option (`--include-drafts`, `--as-of`, `--user`): the CLI adds
    /// those words where they help.
    @Test func libraryMessagesNameNoCommandLineOption() throws {
        let sources = F.root.appendingPathComponent("Sources/GuideKit")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty)
        let option = try Regex(#""[^"]*--[a-z][a-z-]+[^"]*""#)
        var found: [String] = []
        for file in files where !file.hasSuffix("GitGuideHistory.swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") && line.contains(option) {
                found.append("\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(found.isEmpty, "\(found)")
    }
}
