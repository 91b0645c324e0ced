import CYaml

/// Builds a `SourceNode` tree from libyaml's event stream, collecting diagnostics instead of throwing.
///
/// It keeps what GuideKit needs and Yams' composer drops or refuses: the scalar style (plain or not), every
/// duplicate key (not just the first), and the exact position of each node. Anchors, aliases and `<<` merge
/// keys work; aliases are bounded so a "billion laughs" file cannot exhaust memory.
struct YAMLComposer {
    /// What composing one file gives.
    struct Result {
        /// The first document's root, or `nil` for an empty file or a syntax error.
        var root: SourceNode?
        /// Syntax, duplicate-key, alias and document-count findings, in the order found.
        var diagnostics: [Diagnostic]
        /// Where the stream ends (for findings about an empty file).
        var end: SourceLocation
    }

    /// The most nodes aliases may add to a document before composing stops.
    static let aliasExpansionLimit = 100_000

    /// Composes the YAML (or JSON) in `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the file's bytes; libyaml detects UTF-8 or UTF-16 from them.
    ///   - file: the file's path, for locations.
    /// - Returns: the root and the findings.
    static func compose(_ bytes: UnsafeRawBufferPointer, file: String) -> Result {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            let location = SourceLocation(file: file, line: 1, column: 1)
            let diagnostic = Diagnostic(.error, rule: "yaml-syntax", "out of memory while reading", at: location)
            return Result(root: nil, diagnostics: [diagnostic], end: location)
        }
        defer { yaml_parser_delete(parser) }
        var empty: UInt8 = 0
        if let base = bytes.baseAddress, bytes.count > 0 {
            yaml_parser_set_input_string(parser, base.assumingMemoryBound(to: UInt8.self), bytes.count)
            var composer = YAMLComposer(parser: parser, bytes: bytes, file: file)
            return composer.run()
        }
        return withUnsafeMutablePointer(to: &empty) { pointer in
            yaml_parser_set_input_string(parser, pointer, 0)
            var composer = YAMLComposer(parser: parser, bytes: UnsafeRawBufferPointer(start: nil, count: 0), file: file)
            return composer.run()
        }
    }

    /// A collection being built.
    private struct Frame {
        var isMapping: Bool
        var location: SourceLocation
        var anchor: String?
        var items: [SourceNode] = []
        var pairs: [SourceNode.Pair] = []
        var pendingKey: SourceNode?
        var pendingKeyIsDuplicate = false
        var size = 1
    }

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private var diagnostics: [Diagnostic] = []
    private var anchors: [String: (node: SourceNode, size: Int)] = [:]
    private var stack: [Frame] = []
    private var expanded = 0
    private var root: SourceNode?
    private var end: SourceLocation

    private init(parser: UnsafeMutablePointer<yaml_parser_t>, bytes: UnsafeRawBufferPointer, file: String) {
        self.parser = parser
        self.bytes = bytes
        self.file = file
        self.end = SourceLocation(file: file, line: 1, column: 1)
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private mutating func run() -> Result {
        var documents = 0
        var event = yaml_event_t()
        loop: while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                diagnostics.append(syntaxError())
                root = nil
                break
            }
            defer { yaml_event_delete(&event) }
            let start = location(event.start_mark)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                end = start
                break loop
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            rule: "multiple-documents",
                            "the file holds more than one YAML document",
                            at: start,
                            fix: "keep one guide per file and remove this '---' and what follows it"
                        )
                    )
                    break loop
                }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text =
                    scalar.value.map {
                        String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                    } ?? ""
                let tag = scalar.tag.map { String(cString: $0) }
                let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE && tag == nil
                let node = SourceNode(.scalar(.init(text: text, isPlain: isPlain, tag: tag)), at: start)
                if let anchor = scalar.anchor { anchors[String(cString: anchor)] = (node, 1) }
                complete(node, size: 1)
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                guard let (node, size) = anchors[name] else {
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            rule: "unknown-anchor",
                            "alias '*\(name)' refers to no anchor",
                            at: start,
                            fix: Suggestion.didYouMean(name, in: anchors.keys.sorted())
                                ?? "define '&\(name)' on a value above this line"
                        )
                    )
                    let null = SourceNode(.scalar(.init(text: "", isPlain: true)), at: start)
                    complete(null, size: 1)
                    continue
                }
                expanded += size
                guard expanded <= Self.aliasExpansionLimit else {
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            rule: "yaml-syntax",
                            "aliases expand to more than \(Self.aliasExpansionLimit) values",
                            at: start,
                            fix: "write the repeated values out instead of nesting aliases"
                        )
                    )
                    root = nil
                    break loop
                }
                complete(node, size: size)
            case YAML_SEQUENCE_START_EVENT:
                let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
                stack.append(Frame(isMapping: false, location: start, anchor: anchor))
            case YAML_MAPPING_START_EVENT:
                let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
                stack.append(Frame(isMapping: true, location: start, anchor: anchor))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                let node: SourceNode
                if frame.isMapping {
                    node = SourceNode(.mapping(Self.merged(frame.pairs)), at: frame.location)
                } else {
                    node = SourceNode(.sequence(frame.items), at: frame.location)
                }
                if let anchor = frame.anchor { anchors[anchor] = (node, frame.size) }
                complete(node, size: frame.size)
            default:
                continue
            }
        }
        return Result(root: root, diagnostics: diagnostics, end: end)
    }

    /// Hands a finished node to its parent, or makes it the root.
    private mutating func complete(_ node: SourceNode, size: Int) {
        guard var frame = stack.popLast() else {
            root = node
            return
        }
        frame.size += size
        if !frame.isMapping {
            frame.items.append(node)
        } else if let key = frame.pendingKey {
            if !frame.pendingKeyIsDuplicate { frame.pairs.append(.init(key: key, value: node)) }
            frame.pendingKey = nil
            frame.pendingKeyIsDuplicate = false
        } else {
            frame.pendingKey = node
            if case .scalar(let scalar) = node.content, !(scalar.isPlain && scalar.text == "<<"),
                let first = frame.pairs.first(where: {
                    if case .scalar(let key) = $0.key.content { key.text == scalar.text } else { false }
                })?.key.location
            {
                frame.pendingKeyIsDuplicate = true
                diagnostics.append(
                    Diagnostic(
                        .error,
                        rule: "duplicate-key",
                        "'\(scalar.text)' is already a key of this mapping at line \(first.line)",
                        at: node.location,
                        fix: "remove one of the two; only the first is read",
                        related: [first]
                    )
                )
            }
        }
        stack.append(frame)
    }

    /// Applies `<<` merge keys: the pairs of the merged mappings that the mapping does not set itself.
    private static func merged(_ pairs: [SourceNode.Pair]) -> [SourceNode.Pair] {
        guard
            pairs.contains(where: {
                if case .scalar(let key) = $0.key.content { key.isPlain && key.text == "<<" } else { false }
            })
        else { return pairs }
        var own = Set<String>()
        for pair in pairs {
            if case .scalar(let key) = pair.key.content, !(key.isPlain && key.text == "<<") { own.insert(key.text) }
        }
        var result: [SourceNode.Pair] = []
        for pair in pairs {
            guard case .scalar(let key) = pair.key.content, key.isPlain, key.text == "<<" else {
                result.append(pair)
                continue
            }
            var sources: [SourceNode] = []
            switch pair.value.content {
            case .mapping: sources = [pair.value]
            case .sequence(let items): sources = items
            case .scalar:
                result.append(pair)
                continue
            }
            for source in sources {
                guard case .mapping(let merging) = source.content else {
                    result.append(pair)
                    continue
                }
                for item in merging {
                    guard case .scalar(let key) = item.key.content else { continue }
                    if own.insert(key.text).inserted { result.append(item) }
                }
            }
        }
        return result
    }

    /// The parser's error as a `yaml-syntax` diagnostic with readable wording and a fix.
    private func syntaxError() -> Diagnostic {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "the YAML parser failed"
        if state.error == YAML_READER_ERROR {
            let at = offsetLocation(Int(state.problem_offset))
            var fix = "save the file as UTF-8 text"
            if problem.contains("control characters") {
                fix = "remove the control character (byte \(hex(state.problem_value)))"
            }
            return Diagnostic(.error, rule: "yaml-syntax", "the file is not valid YAML text: \(problem)", at: at, fix: fix)
        }
        if state.error == YAML_MEMORY_ERROR {
            return Diagnostic(.error, rule: "yaml-syntax", "out of memory while reading", at: end)
        }
        let at = location(state.problem_mark)
        let contextAt = location(state.context_mark)
        var message = problem
        if problem.hasPrefix("Maximum nesting level") { message = "the file nests values more than 1000 levels deep" }
        if let context = state.context.map({ String(cString: $0) }) {
            message += " (" + Self.describe(context: context, at: contextAt) + ")"
        }
        let fix = Self.fix(for: problem, character: character(at: state.problem_mark), context: contextAt)
        return Diagnostic(.error, rule: "yaml-syntax", message, at: at, fix: fix)
    }

    private static func describe(context: String, at mark: SourceLocation) -> String {
        let place = "line \(mark.line), column \(mark.column)"
        let table: [(String, String)] = [
            ("simple key", "in the key that starts at"),
            ("block mapping", "in the mapping that starts at"),
            ("flow mapping", "in the { } mapping that starts at"),
            ("block collection", "in the list that starts at"),
            ("flow sequence", "in the [ ] list that starts at"),
            ("quoted scalar", "in the quoted text that starts at"),
            ("block scalar", "in the block text that starts at"),
            ("alias", "in the alias at"),
            ("anchor", "in the anchor at"),
            ("tag", "in the tag at"),
        ]
        for (needle, phrase) in table where context.contains(needle) { return "\(phrase) \(place)" }
        return "\(context) at \(place)"
    }

    private static func fix(for problem: String, character: Unicode.Scalar?, context: SourceLocation) -> String? {
        if character == "\t" || problem.contains("tab") { return "indent with spaces; YAML does not allow tabs" }
        if problem.contains("mapping values are not allowed") {
            return "quote a value that contains ': ', or check the indentation of this line"
        }
        if problem.contains("could not find expected ':'") {
            return "add ': ' after the key, or quote the text if it is a value"
        }
        if problem.contains("did not find expected key") {
            return "indent this line like the other keys of the mapping at line \(context.line)"
        }
        if problem.contains("expected '-' indicator") {
            return "line up this item with the other '-' items of the list at line \(context.line)"
        }
        if problem.contains("end of stream") { return "close what was opened at line \(context.line)" }
        if problem.contains("cannot start any token") {
            let shown = character.map { "'\($0)'" } ?? "this character"
            return "quote the value; \(shown) cannot start plain text"
        }
        if problem.contains("expected ',' or ']'") { return "separate items with ',' and close the list with ']'" }
        if problem.contains("expected ',' or '}'") { return "separate pairs with ',' and close the mapping with '}'" }
        if problem.contains("unknown escape") {
            return "inside double quotes write '\\\\' for a backslash, or use single quotes"
        }
        if problem.contains("block sequence entries are not allowed") {
            return "start the list on its own line below the key"
        }
        if problem.contains("undefined tag handle") { return "remove the tag or quote the value" }
        if problem.contains("did not find expected node content") { return "write a value here, or quote the text" }
        return nil
    }

    /// The character at a mark, read from the UTF-8 input (for hints about tabs and reserved characters).
    private func character(at mark: yaml_mark_t) -> Unicode.Scalar? {
        let index = Int(mark.index)
        guard index >= 0, index < bytes.count else { return nil }
        let byte = bytes[index]
        return byte < 0x80 ? Unicode.Scalar(byte) : nil
    }

    /// The line and column of a byte offset (reader errors carry only an offset).
    private func offsetLocation(_ offset: Int) -> SourceLocation {
        var line = 1
        var column = 1
        for index in 0..<min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    private func hex(_ value: Int32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" + digits : digits)
    }
}
