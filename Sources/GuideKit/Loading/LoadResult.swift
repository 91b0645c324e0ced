/// What loading a guides folder (or some files) gives: the project, the guides and the diagnostics.
public struct LoadResult: Sendable, Hashable {
    /// The project file's content, when one was read.
    public var project: Project?
    /// The project file's path, when one was read.
    public var projectFile: String?
    /// The guides that could be read (partial when their file has errors), in file order.
    public var guides: [Guide]
    /// Every guide file read, in order, including those that could not be read as a guide.
    public var guideFiles: [String]
    /// The loading diagnostics, sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    /// Creates a result.
    public init(
        project: Project? = nil,
        projectFile: String? = nil,
        guides: [Guide] = [],
        guideFiles: [String] = [],
        diagnostics: [Diagnostic] = []
    ) {
        self.project = project
        self.projectFile = projectFile
        self.guides = guides
        self.guideFiles = guideFiles
        self.diagnostics = diagnostics
    }
}
