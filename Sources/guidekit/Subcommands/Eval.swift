import ArgumentParser
import Foundation
import GuideKit

/// `guidekit eval`: evaluate a targeting condition against a user state, or a batch of requests.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a targeting condition against a user state.",
        discussion: """
            Prints true or false (exit 0 when true, 1 when false); --explain adds the reason for every \
            clause. With --jsonl, reads requests from standard input, one JSON object per line, \
            {"condition": C, "attributes": S, "savedGroups": G} ("state" is accepted for "attributes"), \
            and prints one line per request, in order: {"result": true}, {"result": false} or \
            {"error": "…"}; a bad line gives an error line and the run goes on (exit 0 unless standard \
            input cannot be read).

            """ + ExitStatus.help(failedCheck: "the condition is false (not with --jsonl)")
    )

    @Option(help: "The condition: YAML or JSON text, @FILE, or the path of a file.")
    var condition: String?

    @Option(help: "The user state file (YAML or JSON).")
    var state: String?

    @Option(help: "Saved groups: a YAML or JSON file mapping each group name to a list of ids.")
    var groups: String?

    @Option(help: "The evaluation time (ISO 8601) when the state has no 'now'; defaults to the clock.")
    var now: String?

    @Flag(help: "Evaluate the state file as written (GrowthBook attributes) instead of as a user state.")
    var raw = false

    @Flag(help: "Explain every clause.")
    var explain = false

    @Flag(help: "Show each clause's file:line:column in the explanation.")
    var locations = false

    @Flag(help: "Batch mode: requests on standard input, one JSON object per line.")
    var jsonl = false

    func validate() throws {
        if jsonl {
            guard condition == nil, state == nil else {
                throw ValidationError(
                    "--jsonl reads conditions and states from standard input; drop --condition and --state"
                )
            }
        } else {
            guard condition != nil else {
                throw ValidationError("give --condition (YAML or JSON text, @FILE or a path)")
            }
            guard state != nil else { throw ValidationError("give --state FILE (a user state in YAML or JSON)") }
        }
        if let now, Timestamp.seconds(parsing: now) == nil {
            throw ValidationError("--now must be \(Timestamp.expectedForm)")
        }
    }

    func run() throws {
        let clock = now.flatMap { Timestamp.seconds(parsing: $0) } ?? Date().timeIntervalSince1970
        if jsonl {
            try runBatch(now: clock)
            return
        }
        let (conditionText, conditionFile) = try Self.text(of: condition ?? "")
        let conditionNode = try Self.parse(conditionText, file: conditionFile)
        let savedGroups = try groups.map { try Self.readGroups($0) } ?? [:]
        let document = try stateDocument(now: clock)
        // Lint against the given saved groups (there is no project catalog here).
        var catalog = Catalog()
        for (name, members) in savedGroups {
            let ids = members.map { member -> String in
                switch member {
                case .string(let text): text
                case .number(let number): number.formatted()
                default: "\(member)"
                }
            }
            catalog.groups[name] = Catalog.Group(
                name: name,
                members: ids,
                location: SourceLocation(file: groups ?? "", line: 1, column: 1)
            )
        }
        for diagnostic in ConditionLinter(catalog: catalog).diagnostics(for: conditionNode) {
            Output.error("\(diagnostic)\n")
        }
        let compiled = Condition(conditionNode, groups: savedGroups)
        let passed: Bool
        if explain {
            let trace = compiled.explain(document)
            try Output.line(trace.rendered(showingLocations: locations))
            passed = trace.passed
        } else {
            passed = compiled.isSatisfied(by: document)
        }
        try Output.line(passed ? "true" : "false")
        if !passed { throw ExitCode(1) }
    }

    private func stateDocument(now: Double) throws -> ConditionDocument {
        let path = state ?? ""
        let (text, file) = try Self.text(of: path, allowInline: false)
        if raw {
            return ConditionDocument(try Self.parse(text, file: file).jsonValue, now: now)
        }
        do {
            let parsed =
                path.lowercased().hasSuffix(".json")
                ? try UserState(json: text, file: file) : try UserState(yaml: text, file: file)
            let completed = parsed.completed(with: Catalog(), now: Date(timeIntervalSince1970: now))
            return ConditionDocument(completed.document, now: now)
        } catch {
            throw CommandFailure(
                error.code == .unreadable ? .noInput : .dataError,
                "error: \(error)\n(use --raw to evaluate GrowthBook-style attributes as written)"
            )
        }
    }

    private func runBatch(now: Double) throws {
        let input = FileHandle.standardInput
        var output = ""
        func flush() throws(CommandFailure) {
            try Output.write(output)
            output = ""
        }
        func answer(_ line: UnsafeBufferPointer<UInt8>) {
            var bytes = line[...]
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else {
                output += "{\"error\": \"empty line\"}\n"
                return
            }
            output += ConditionRequest.response(to: String(decoding: bytes, as: UTF8.self), now: now) + "\n"
        }
        // Linear in the input however long a line is; answers are written before the next read waits.
        var lines = LineReader(descriptor: input.fileDescriptor, chunkSize: 65_536)
        while lines.next({ _, line -> Bool in
            if case .text(let bytes) = line { answer(bytes) }
            return true
        }) != nil {
            if lines.isBufferEmpty || output.utf8.count >= 1 << 16 { try flush() }
        }
        try flush()
        if let message = lines.readError {
            throw CommandFailure.error(.noInput, "cannot read standard input: \(message)")
        }
    }

    /// The text of `argument`: `@FILE`, an existing file's path, or (when allowed) the text itself.
    static func text(of argument: String, allowInline: Bool = true) throws(CommandFailure) -> (String, String) {
        var path: String?
        if argument.hasPrefix("@") {
            path = String(argument.dropFirst())
        } else if !allowInline || (!argument.contains("\n") && FileManager.default.fileExists(atPath: argument)) {
            path = argument
        }
        guard let path else { return (argument, "<condition>") }
        do {
            return (try InputFile.text(atPath: path), path)
        } catch {
            throw CommandFailure.error(.noInput, error.description)
        }
    }

    /// Parses JSON (when it starts with `{` or `[` and is valid JSON) or YAML.
    static func parse(_ text: String, file: String) throws(CommandFailure) -> SourceNode {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        if trimmed.first == "{" || trimmed.first == "[", let node = try? JSONSourceParser.parse(text, file: file) {
            return node
        }
        do {
            return try YAMLSource.parse(text, file: file)
        } catch {
            throw CommandFailure.error(.dataError, "\(error)")
        }
    }

    static func readGroups(_ path: String) throws(CommandFailure) -> [String: [Value]] {
        let (text, file) = try text(of: path, allowInline: false)
        guard case .object(let members) = try parse(text, file: file).jsonValue else {
            throw CommandFailure.error(.dataError, "\(path) must map each group name to a list of ids")
        }
        var groups: [String: [Value]] = [:]
        for (name, value) in members {
            guard case .array(let ids) = value else {
                throw CommandFailure.error(.dataError, "\(path): group '\(name)' must be a list of ids")
            }
            groups[name] = ids
        }
        return groups
    }
}
