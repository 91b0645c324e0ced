/// The project file `guides/guidekit.yaml`: locales, the global throttle and the catalogs.
public struct Project: Sendable, Hashable {
    /// The locale of the text written in the guides.
    public var defaultLocale: Located<String>?
    /// The locales every guide should translate.
    public var locales: [Located<String>]
    /// The shortest time between two different guides for one user.
    public var throttle: GuideDuration?
    /// Attributes, events, segments and groups.
    public var catalog: Catalog
    /// Where the project file starts.
    public var location: SourceLocation

    /// Creates a project.
    public init(
        defaultLocale: Located<String>? = nil,
        locales: [Located<String>] = [],
        throttle: GuideDuration? = nil,
        catalog: Catalog = Catalog(),
        at location: SourceLocation
    ) {
        self.defaultLocale = defaultLocale
        self.locales = locales
        self.throttle = throttle
        self.catalog = catalog
        self.location = location
    }

    /// The file the project was read from.
    public var file: String { location.file }

    /// The locales a guide must translate: `locales` without the default one.
    public var translatedLocales: [Located<String>] {
        locales.filter { $0.value != defaultLocale?.value }
    }
}
