/// The guides of a folder with their conditions compiled once, and the project settings selection needs.
///
/// ```swift
/// let set = try CompiledGuideSet(try GuideLoader.loadFolder(at: "guides"))
/// let selection = Selector(set).select(for: state, in: SelectionContext(page: "/home", now: now))
/// ```
public struct CompiledGuideSet: Sendable {
    /// The compiled guides, in file order.
    public var guides: [CompiledGuide]
    /// The project file, if any.
    public var project: Project?
    /// The project's catalog (empty without a project file).
    public var catalog: Catalog
    /// Indexes into ``guides`` by guide id.
    public var indexByID: [String: Int]
    /// The ids of the guides that conditions read (`guides.<id>` in audiences, steps and segments): a user
    /// state is completed with `not_started` entries for these only, which is all conditions can see.
    public var referencedIDs: [String]

    /// Compiles every guide of a loaded folder, refusing a load with errors.
    ///
    /// A guide with an error may be partial (a step without its kind, a condition that did not parse), so
    /// it is never compiled: fix the errors first (the loader's diagnostics say where). Warnings do not
    /// stop it. Checks that need several files (unknown steps, conflicts) are the ``Linter``'s.
    ///
    /// - Parameter result: what ``GuideLoader`` read.
    /// - Throws: ``LoadError`` with the code ``LoadError/Code-swift.struct/hasErrors`` and the error
    ///   findings in ``LoadError/diagnostics`` when the load has any error.
    public init(_ result: LoadResult) throws(LoadError) {
        let errors = result.diagnostics.filter { $0.severity == .error }
        if let first = errors.first {
            let count = errors.count == 1 ? "an error" : "\(errors.count) errors"
            throw LoadError(
                .hasErrors,
                "the guides have \(count); the first: \(first)",
                path: first.location.file,
                diagnostics: errors
            )
        }
        self.init(guides: result.guides, project: result.project)
    }

    /// Compiles guides under a project.
    ///
    /// - Parameters:
    ///   - guides: the guides; a guide whose id repeats an earlier one is ignored (the linter reports it).
    ///   - project: the project file, if any.
    public init(guides: [Guide], project: Project?) {
        let catalog = project?.catalog ?? Catalog()
        var compiled: [CompiledGuide] = []
        var index: [String: Int] = [:]
        for guide in guides where index[guide.id.value] == nil {
            index[guide.id.value] = compiled.count
            compiled.append(CompiledGuide(guide, catalog: catalog))
        }
        self.guides = compiled
        self.project = project
        self.catalog = catalog
        self.indexByID = index
        var referenced = Set(guides.flatMap { ConflictChecks.guideReferences(in: $0).map(\.value) })
        for segment in catalog.segments.values {
            referenced.formUnion(ConflictChecks.guideReferences(in: segment.condition).map(\.value))
        }
        self.referencedIDs = referenced.sorted()
    }

    /// The guide with the id, if any.
    ///
    /// - Parameter id: the guide id.
    /// - Returns: the compiled guide.
    public subscript(id: String) -> CompiledGuide? {
        indexByID[id].map { guides[$0] }
    }

    /// The ids of every guide, in file order.
    public var ids: [String] { guides.map(\.id) }

    /// The shortest time between two different guides, from the project file.
    public var throttle: GuideDuration? { project?.throttle }

    /// The locale whose text is used when the user's has none.
    public var defaultLocale: String? { project?.defaultLocale?.value }
}
