import Foundation

// The report needs only a guide's id, name, version and step orders (the guide's and each variant's own); it reads them with the guide loader,
// so a committed older version is read exactly as `guidekit lint` reads the current one.
extension GuideOutline {
    /// Reads the outline of a guide from YAML text.
    ///
    /// Findings that leave the id, version and step ids intact (a field added in a later format, say) do
    /// not stop the report; anything that hides them does.
    ///
    /// - Parameters:
    ///   - yaml: the guide file's text.
    ///   - file: its path, for the error.
    /// - Throws: ``EventLogError`` naming the file and the first problem when it is not a guide with an id,
    ///   a version and steps with ids.
    public init(yaml: String, file: String) throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(yaml: yaml, file: file)
        let blocking = diagnostics.first { diagnostic in
            diagnostic.severity == .error
                && ["yaml-syntax", "multiple-documents", "empty-file", "duplicate-key"].contains(diagnostic.rule)
        }
        if let blocking {
            throw EventLogError(path: file, message: "not a readable guide: \(blocking)")
        }
        guard let guide, !guide.id.value.isEmpty else {
            throw EventLogError(path: file, message: "the guide has no 'id'")
        }
        guard guide.version.value >= 1 else {
            throw EventLogError(path: file, message: "the guide has no 'version' (a whole number ≥ 1)")
        }
        guard !guide.steps.isEmpty else {
            throw EventLogError(path: file, message: "the guide has no 'steps'")
        }
        let stepIds = guide.steps.map(\.id.value)
        if let index = stepIds.firstIndex(where: \.isEmpty) {
            throw EventLogError(path: file, message: "step \(index + 1) has no 'id'")
        }
        var variantSteps: [String: [String]] = [:]
        for variant in guide.rollout?.variants ?? [] {
            guard let steps = variant.steps, !variant.id.value.isEmpty else { continue }
            let ids = steps.map(\.id.value)
            if let index = ids.firstIndex(where: \.isEmpty) {
                throw EventLogError(
                    path: file,
                    message: "step \(index + 1) of variant '\(variant.id.value)' has no 'id'"
                )
            }
            // A repeated variant id is a lint error; the report keeps the last, as `CompiledGuide` does.
            variantSteps[variant.id.value] = ids
        }
        self.init(
            id: guide.id.value,
            name: guide.name,
            version: guide.version.value,
            steps: stepIds,
            variantSteps: variantSteps
        )
        for list in [guide.steps] + (guide.rollout?.variants ?? []).compactMap(\.steps) {
            for step in list {
                if let title = step.title, !title.isEmpty, stepTitles[step.id.value] == nil {
                    stepTitles[step.id.value] = title
                }
            }
            optionalSteps.formUnion(Self.optionalSteps(of: list))
        }
        goalEvent = guide.goal?.event.value
        goalWithinSeconds = guide.goal?.within?.seconds
        variants = (guide.rollout?.variants ?? []).map(\.id.value)
        holdout = guide.rollout?.variants.first(where: \.isHoldout)?.id.value
    }

    /// Steps of one order that some users skip by design: a step with its own `when`, and every step
    /// that a branch of an earlier step jumps over.
    static func optionalSteps(of steps: [Step]) -> Set<String> {
        let ids = steps.map(\.id.value)
        var result = Set(steps.filter { $0.when != nil }.map(\.id.value))
        for (index, step) in steps.enumerated() {
            for branch in step.next {
                guard let target = ids.firstIndex(of: branch.goto.value), target > index + 1 else { continue }
                result.formUnion(ids[(index + 1)..<target])
            }
        }
        return result
    }
}

extension StepOrderBook {
    /// Reads every guide in a folder (`*.yaml`, `*.yml`; not `guidekit.yaml` nor `tests/`), and the
    /// earlier versions of each from git history when the folder is in a git repository.
    ///
    /// - Parameters:
    ///   - folder: the guides folder.
    ///   - usesGitHistory: whether to look for earlier versions in git.
    /// - Throws: ``EventLogError`` when the folder cannot be listed.
    public init(guidesFolder folder: String, usesGitHistory: Bool = true) throws {
        self.init()
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EventLogError(.unreadable, path: folder, message: "no guides folder here; pass the guides folder")
        }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            throw EventLogError(
                .unreadable,
                path: folder,
                message: "cannot list the folder (\(error.localizedDescription))"
            )
        }
        let history = usesGitHistory ? GitGuideHistory(folder: folder) : nil
        let committed = history?.committedVersions(of: Set(names)) ?? [:]
        for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            guard name != "guidekit.yaml", name != "guidekit.yml" else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let outline = try GuideOutline(yaml: text, file: path)
                if let existing = files[outline.id] {
                    problems.append(
                        Diagnostic(
                            .warning,
                            rule: "duplicate-guide",
                            "guide '\(outline.id)' is defined in \(existing) and \(path); the report uses the first",
                            at: SourceLocation(file: path, line: 1, column: 1)
                        )
                    )
                    continue
                }
                add(current: outline, file: path)
                for (revision, text) in committed[name] ?? [] {
                    guard let old = try? GuideOutline(yaml: text, file: path), old.id == outline.id,
                        old.version != outline.version
                    else { continue }
                    add(earlier: old, origin: "\(path)@\(revision.prefix(12))")
                }
            } catch let error as EventLogError {
                problems.append(
                    Diagnostic(
                        .warning,
                        rule: "unreadable-guide",
                        error.message,
                        at: SourceLocation(file: path, line: 1, column: 1)
                    )
                )
            } catch {
                problems.append(
                    Diagnostic(
                        .warning,
                        rule: "unreadable-guide",
                        "\(error)",
                        at: SourceLocation(file: path, line: 1, column: 1)
                    )
                )
            }
        }
        isInGitRepository = history != nil
    }
}
