import Foundation

/// Where and when a selection happens: the page, the event that just happened, a manual launch, and now.
public struct SelectionContext: Sendable, Hashable {
    /// The current page's path; `nil` uses the user state's page.
    public var page: String?
    /// The product event that just happened, if any (fires event triggers).
    public var event: String?
    /// The id of a guide the app launched by hand, if any (fires manual triggers).
    public var launch: String?
    /// The time of the decision.
    public var now: Date
    /// Whether draft guides are considered too (for previews).
    public var includesDrafts: Bool

    /// Creates a context.
    ///
    /// - Parameters:
    ///   - page: the current page's path; `nil` uses the user state's page.
    ///   - event: the product event that just happened.
    ///   - launch: the id of a guide launched by hand.
    ///   - now: the time of the decision.
    ///   - includesDrafts: whether drafts may be shown.
    public init(
        page: String? = nil,
        event: String? = nil,
        launch: String? = nil,
        now: Date,
        includesDrafts: Bool = false
    ) {
        self.page = page
        self.event = event
        self.launch = launch
        self.now = now
        self.includesDrafts = includesDrafts
    }
}
