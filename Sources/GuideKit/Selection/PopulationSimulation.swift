import Foundation

/// Runs selection over many users (streamed, one at a time) and counts, per guide, how many users each
/// rule and each audience clause removes, how many are eligible and how many would be shown it.
///
/// ```swift
/// var simulation = PopulationSimulation(set, page: "/home")
/// for case .success(let state) in try UserStateReader(contentsOf: url) { simulation.add(state) }
/// print(simulation.report.renderText())
/// ```
public struct PopulationSimulation: Sendable {
    private let selector: Selector
    private let machine: GuideStateMachine
    private let page: String?
    private let event: String?
    private let launch: String?
    private let now: Date?
    private let clock: Date
    private let includesDrafts: Bool
    /// The buffers every user's document is built in.
    private var builder = ConditionDocument.Builder()
    /// The counts so far.
    public private(set) var report: PopulationReport

    /// Creates a simulation.
    ///
    /// - Parameters:
    ///   - guides: the compiled guides.
    ///   - page: the page every user is on; `nil` uses each user's page.
    ///   - event: an event that just happened for every user.
    ///   - launch: a guide launched by id for every user.
    ///   - now: the time of the decisions; `nil` uses each user's `now`, else the clock.
    ///   - includesDrafts: whether drafts may be shown.
    public init(
        _ guides: CompiledGuideSet,
        page: String? = nil,
        event: String? = nil,
        launch: String? = nil,
        now: Date? = nil,
        includesDrafts: Bool = false
    ) {
        self.selector = Selector(guides)
        self.machine = GuideStateMachine(guides)
        self.page = page
        self.event = event
        self.launch = launch
        self.now = now
        self.clock = Date()
        self.includesDrafts = includesDrafts
        self.report = PopulationReport(
            guides: guides.guides.map { compiled in
                PopulationReport.GuideCounts(
                    id: compiled.id,
                    priority: compiled.guide.priority,
                    audienceClauses: compiled.audience.map(\.text)
                )
            },
            context: PopulationReport.Context(page: page, event: event, launch: launch, now: now)
        )
    }

    /// Selects for one user and counts the outcome.
    ///
    /// - Parameter state: the user.
    public mutating func add(_ state: UserState) {
        var state = state
        let time = now ?? state.now ?? clock
        // An app event only moves guides in progress, which the state machine knows, so it cannot fail.
        if let event { _ = try? machine.record(event: event, in: &state, at: time) }
        let context = SelectionContext(
            page: page,
            event: event,
            launch: launch,
            now: time,
            includesDrafts: includesDrafts
        )
        // Only the guide is counted: the step is not rendered for an app.
        let selection = selector.select(for: state, in: context, resolvesStep: false, builder: &builder)
        report.users += 1
        if selection.decision.guideID == nil { report.nothingShown += 1 }
        for (index, verdict) in selection.verdicts.enumerated() {
            report.guides[index].count(verdict, clauses: report.guides[index].audienceClauses)
        }
    }
}
