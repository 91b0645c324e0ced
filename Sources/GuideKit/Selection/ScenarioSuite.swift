import Foundation

/// Runs every scenario file in a folder (or the files given) against compiled guides: `guidekit test`.
public struct ScenarioSuite: Sendable {
    /// One scenario file's outcome.
    public struct Outcome: Sendable, Hashable {
        /// The file.
        public var file: String
        /// The replay, when the file could be read and replayed.
        public var result: TimelineRunner.Result?
        /// The error that stopped the file, if any.
        public var error: SelectionError?

        /// Whether the file passed (no error, no failed expectation).
        public var passed: Bool { error == nil && (result?.passed ?? false) }
    }

    /// The outcomes, in file order.
    public var outcomes: [Outcome]

    /// Runs scenario files.
    ///
    /// - Parameters:
    ///   - paths: scenario files, or folders whose `*.yaml` / `*.yml` files are scenarios.
    ///   - guides: the compiled guides.
    /// - Throws: ``SelectionError`` when a path does not exist or a folder holds no scenario.
    public init(paths: [String], guides: CompiledGuideSet) throws(SelectionError) {
        var files: [String] = []
        for path in paths {
            guard let found = SourceFiles.files(at: path, extensions: ["yaml", "yml"]) else {
                throw SelectionError(.unreadable, "no such file or folder: \(path)")
            }
            if found.isEmpty { throw SelectionError(.unreadable, "no scenario files (*.yaml) in \(path)") }
            files += found
        }
        let runner = TimelineRunner(guides)
        outcomes = files.map { file in
            do throws(SelectionError) {
                let scenario = try Scenario(contentsOf: file)
                if !scenario.hasExpectations {
                    throw SelectionError(
                        "the scenario checks nothing: add 'expect:' to its lines",
                        at: SourceLocation(file: file, line: 1, column: 1)
                    )
                }
                return Outcome(file: file, result: try runner.run(scenario), error: nil)
            } catch {
                return Outcome(file: file, result: nil, error: error)
            }
        }
    }

    /// Whether every scenario passed.
    public var passed: Bool { outcomes.allSatisfy(\.passed) }

    /// The outcome for people: one line per scenario, each failure with its file and line, then a summary.
    ///
    /// - Returns: the text, ending with a newline.
    public func renderText() -> String {
        var output = ""
        var checks = 0
        var failures = 0
        for outcome in outcomes {
            let name = outcome.result?.scenario.name ?? (outcome.file as NSString).lastPathComponent
            if let error = outcome.error {
                output += "ERROR \(name)\n  \(error.description)\n"
                failures += 1
                continue
            }
            guard let result = outcome.result else { continue }
            checks += result.expectationCount
            if result.passed {
                output += "PASS  \(name) (\(result.expectationCount) checks)\n"
            } else {
                output += "FAIL  \(name)\n"
                for failure in result.failures {
                    output += "  \(failure.description)\n"
                    failures += 1
                }
                if let error = result.error {
                    output += "  \(error.description) (the replay stopped here)\n"
                    failures += 1
                }
            }
        }
        let files = outcomes.count
        let failed = outcomes.filter { !$0.passed }.count
        output += "\n\(files) scenario\(files == 1 ? "" : "s"), \(checks) checks: "
        output +=
            failed == 0
            ? "all passed\n"
            : "\(failed) scenario\(failed == 1 ? "" : "s") failed (\(failures) failure\(failures == 1 ? "" : "s"))\n"
        return output
    }
}
