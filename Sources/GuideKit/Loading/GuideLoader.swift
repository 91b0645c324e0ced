import Foundation

/// Reads guide and project files into the model, with a diagnostic for everything that is wrong.
///
/// Loading never stops at the first problem and never crashes on bad input: a YAML syntax error, an
/// unknown field or a value of the wrong type becomes a ``Diagnostic`` and the rest of the file is still
/// read. Checks that need several guides or the project's catalogs (unknown steps, unreachable steps,
/// duplicate ids, unknown events, translations) are the ``Linter``'s.
///
/// ```swift
/// let result = try GuideLoader.loadFolder(at: "guides")
/// let diagnostics = Linter().lint(result)
/// ```
public enum GuideLoader {
    /// The project file's name in a guides folder.
    public static let projectFileName = "guidekit.yaml"

    /// Loads a guides folder: `guidekit.yaml` (if present) and every other `*.yaml` or `*.yml` file at its
    /// top level. Subfolders such as `tests/` are not read.
    ///
    /// - Parameter path: the folder, as the user named it; diagnostics use paths below it.
    /// - Returns: the project, the guides and the loading diagnostics, sorted by file, line and column.
    /// - Throws: ``LoadError`` when the folder does not exist or cannot be listed.
    public static func loadFolder(at path: String) throws(LoadError) -> LoadResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError(.notFound, "no such folder: \(path)", path: path)
        }
        guard isDirectory.boolValue else { throw LoadError(.notAFolder, "not a folder: \(path)", path: path) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw LoadError(.unreadable, "cannot list \(path): \(error.localizedDescription)", path: path, underlying: error)
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var projects: [String] = []
        var guides: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: prefix + name, isDirectory: &isFolder), !isFolder.boolValue
            else { continue }
            if isProjectFile(name) { projects.append(prefix + name) } else { guides.append(prefix + name) }
        }
        var result = load(guideFiles: guides, projectFile: projects.first)
        for extra in projects.dropFirst() {
            result.diagnostics.append(
                Diagnostic(
                    .error,
                    rule: "duplicate-project-file",
                    "the folder already has the project file \(projects[0])",
                    at: SourceLocation(file: extra, line: 1, column: 1),
                    fix: "merge the two into one guidekit.yaml"
                )
            )
        }
        result.diagnostics = sorted(result.diagnostics)
        return result
    }

    /// Loads one file: a guide, or the project file when its name is `guidekit.yaml` or ends in
    /// `.guidekit.yaml`. JSON files are read too (JSON is YAML's flow syntax).
    ///
    /// - Parameter path: the file, as the user named it.
    /// - Returns: the guide or project and its diagnostics.
    /// - Throws: ``LoadError`` when the file does not exist or cannot be read.
    public static func load(contentsOf path: String) throws(LoadError) -> LoadResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError(.notFound, "no such file: \(path)", path: path)
        }
        guard !isDirectory.boolValue else { return try loadFolder(at: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw LoadError(.unreadable, "cannot read \(path)", path: path)
        }
        let name = (path as NSString).lastPathComponent
        if isProjectFile(name) { return load(guideFiles: [], projectFile: path) }
        return load(guideFiles: [path], projectFile: nil)
    }

    /// Loads the given guide files and project file.
    ///
    /// - Parameters:
    ///   - guideFiles: guide file paths.
    ///   - projectFile: the project file's path, if any.
    /// - Returns: the project, the guides and the diagnostics, sorted by file, line and column.
    public static func load(guideFiles: [String], projectFile: String?) -> LoadResult {
        var result = LoadResult()
        if let projectFile {
            let (project, diagnostics) = read(projectFile) { loadProject(bytes: $0, file: projectFile) }
            result.project = project
            result.projectFile = projectFile
            result.diagnostics += diagnostics
        }
        for file in guideFiles {
            let (guide, diagnostics) = read(file) { loadGuide(bytes: $0, file: file) }
            result.guideFiles.append(file)
            if let guide { result.guides.append(guide) }
            result.diagnostics += diagnostics
        }
        result.diagnostics = sorted(result.diagnostics)
        return result
    }

    /// Reads one guide from text, for tests and for apps that embed guides.
    ///
    /// - Parameters:
    ///   - yaml: the guide as YAML or JSON.
    ///   - file: the name used in locations.
    /// - Returns: the guide (partial when there are errors; `nil` when the text is not a mapping) and the
    ///   diagnostics, sorted by line and column.
    public static func loadGuide(yaml: String, file: String = "") -> (guide: Guide?, diagnostics: [Diagnostic]) {
        var text = yaml
        return text.withUTF8 { loadGuide(bytes: UnsafeRawBufferPointer($0), file: file) }
    }

    /// Reads the project file from text.
    ///
    /// - Parameters:
    ///   - yaml: the project file as YAML or JSON.
    ///   - file: the name used in locations.
    /// - Returns: the project (`nil` when the text is not a mapping) and the diagnostics.
    public static func loadProject(
        yaml: String,
        file: String = projectFileName
    ) -> (project: Project?, diagnostics: [Diagnostic]) {
        var text = yaml
        return text.withUTF8 { loadProject(bytes: UnsafeRawBufferPointer($0), file: file) }
    }

    /// Whether a file name is a project file: `guidekit.yaml`, `guidekit.yml`, or `<name>.guidekit.yaml`.
    ///
    /// - Parameter name: the file name, without folders.
    /// - Returns: `true` for a project file.
    public static func isProjectFile(_ name: String) -> Bool {
        ["guidekit.yaml", "guidekit.yml"].contains(name) || name.hasSuffix(".guidekit.yaml")
            || name.hasSuffix(".guidekit.yml")
    }

    // MARK: - Internals

    static func loadGuide(bytes: UnsafeRawBufferPointer, file: String) -> (guide: Guide?, diagnostics: [Diagnostic]) {
        let composed = YAMLComposer.compose(bytes, file: file)
        var reader = NodeReader(diagnostics: composed.diagnostics)
        var guide: Guide?
        if let root = composed.root {
            guide = reader.guide(from: root)
        } else if composed.diagnostics.isEmpty {
            reader.report(
                "empty-file",
                "the file is empty",
                at: composed.end,
                fix: "write a guide with 'id', 'name', 'version', 'status' and 'steps', or delete the file"
            )
        }
        return (guide, sorted(reader.diagnostics))
    }

    static func loadProject(bytes: UnsafeRawBufferPointer, file: String) -> (project: Project?, diagnostics: [Diagnostic]) {
        let composed = YAMLComposer.compose(bytes, file: file)
        var reader = NodeReader(diagnostics: composed.diagnostics)
        var project: Project?
        if let root = composed.root {
            // An empty project file is allowed: a project may start without catalogs.
            project = NodeReader.isNull(root) ? Project(at: root.location) : reader.project(from: root)
        } else if composed.diagnostics.isEmpty {
            project = Project(at: composed.end)
        }
        return (project, sorted(reader.diagnostics))
    }

    private static func read<Loaded>(
        _ path: String,
        _ body: (UnsafeRawBufferPointer) -> (Loaded?, [Diagnostic])
    ) -> (Loaded?, [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let location = SourceLocation(file: path, line: 1, column: 1)
            let diagnostic = Diagnostic(
                .error,
                rule: "unreadable-file",
                "the file cannot be read",
                at: location,
                fix: "check that it exists and that you may read it"
            )
            return (nil, [diagnostic])
        }
        return data.withUnsafeBytes { body($0) }
    }

    /// Sorts by file, line and column, keeping the order found for findings at one place.
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
    }
}
