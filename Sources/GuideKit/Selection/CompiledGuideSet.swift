/// The guides of a folder with their conditions compiled once, and the project settings selection needs.
///
/// ```swift
/// let set = CompiledGuideSet(try GuideLoader.loadFolder(at: "guides"))
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

    /// Compiles every guide of a loaded folder.
    ///
    /// - Parameter result: what ``GuideLoader`` read.
    public init(_ result: LoadResult) {
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
