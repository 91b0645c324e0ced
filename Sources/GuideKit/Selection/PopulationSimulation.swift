import Foundation

/// Runs selection over many users and counts, per guide, how many users each rule and each audience clause
/// removes, how many are eligible and how many would be shown it.
///
/// Add users one at a time with ``add(_:)``, or a whole population with ``add(contentsOf:failed:)``, which
/// reads and selects on every core and counts exactly what adding each user in line order counts.
///
/// ```swift
/// var simulation = PopulationSimulation(set, page: "/home")
/// simulation.add(contentsOf: try UserStateReader(contentsOf: url)) { error in print(error) }
/// print(simulation.report.renderText())
/// ```
public struct PopulationSimulation: Sendable {
    /// What counting a user needs, shared by every thread of a parallel run (one reference count per copy).
    private final class Evaluator: Sendable {
        let selector: Selector
        let machine: GuideStateMachine
        let page: String?
        let event: String?
        let launch: String?
        let now: Date?
        let clock: Date
        let includesDrafts: Bool
        /// A report with every count at zero, which each part of a parallel run counts into.
        let empty: PopulationReport

        init(
            _ guides: CompiledGuideSet,
            page: String?,
            event: String?,
            launch: String?,
            now: Date?,
            includesDrafts: Bool
        ) {
            self.selector = Selector(guides)
            self.machine = GuideStateMachine(guides)
            self.page = page
            self.event = event
            self.launch = launch
            self.now = now
            self.clock = Date()
            self.includesDrafts = includesDrafts
            self.empty = PopulationReport(
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

        /// Selects for one user and counts the outcome into `report`, building the document in `builder`.
        func count(_ state: UserState, into report: inout PopulationReport, builder: inout ConditionDocument.Builder) {
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
            let selection = selector.select(
                for: state,
                in: context,
                resolvesStep: false,
                describes: false,
                builder: &builder
            )
            tally(selection, into: &report)
        }

        /// Reads a JSON line of the common shape straight into its document (no ``UserState`` of
        /// dictionaries in between), selects and counts; `false` leaves the line to the reader (a line of
        /// another shape, or a run with an app event, which moves the state first).
        func count(
            jsonLine line: UnsafeBufferPointer<UInt8>,
            declarations: FastStateScanner.Declarations,
            into report: inout PopulationReport,
            builder: inout ConditionDocument.Builder
        ) -> Bool {
            guard event == nil else { return false }
            var scanner = FastStateScanner(bytes: line)
            let template = selector.template
            guard let state = scanner.documentState(declarations: declarations, template: template, builder: &builder)
            else { return false }
            let time = now ?? state.now ?? clock
            let context = SelectionContext(page: page, launch: launch, now: time, includesDrafts: includesDrafts)
            let document = FastStateScanner.document(
                state,
                page: page,
                now: time,
                template: template,
                builder: &builder
            )
            let selection = selector.select(
                for: state,
                in: context,
                document: document,
                resolvesStep: false,
                describes: false
            )
            tally(selection, into: &report)
            return true
        }

        private func tally(_ selection: Selection, into report: inout PopulationReport) {
            report.users += 1
            if selection.decision.guideID == nil { report.nothingShown += 1 }
            for (index, verdict) in selection.verdicts.enumerated() {
                report.guides[index].count(verdict, clauses: report.guides[index].audienceClauses)
            }
        }
    }

    private let evaluator: Evaluator
    /// The buffers every user's document is built in by ``add(_:)``.
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
        evaluator = Evaluator(
            guides,
            page: page,
            event: event,
            launch: launch,
            now: now,
            includesDrafts: includesDrafts
        )
        report = evaluator.empty
    }

    /// Selects for one user and counts the outcome.
    ///
    /// - Parameter state: the user.
    public mutating func add(_ state: UserState) {
        evaluator.count(state, into: &report, builder: &builder)
    }

    /// Reads every user of a population and counts each, on every core.
    ///
    /// The reader's batches are read and selected for in parts on every core, each part counted on its own
    /// and the parts' counts added up, so the report is the one ``add(_:)`` gives for every state in line
    /// order, whatever the number of cores. Memory stays that of one batch (about 1 MiB of lines).
    ///
    /// - Parameters:
    ///   - reader: the population.
    ///   - failed: called, in line order, with the error of each line that cannot be read (the line names
    ///     its place and fix); such a user is not counted.
    public mutating func add(contentsOf reader: UserStateReader, failed: (UserStateError) -> Void) {
        var iterator = reader.makeIterator()
        let evaluator = self.evaluator
        var declarations: FastStateScanner.Declarations?
        while let batch = iterator.nextBatch() {
            let types = declarations ?? FastStateScanner.Declarations(batch.catalog)
            declarations = types
            let parts = Parallel.map(count: batch.count, minimumPerPart: 16) { range in
                var counts = evaluator.empty
                var builder = ConditionDocument.Builder()
                var errors: [UserStateError] = []
                for index in range {
                    let counted = batch.withJSONLine(at: index) { line in
                        evaluator.count(jsonLine: line, declarations: types, into: &counts, builder: &builder)
                    }
                    if counted == true { continue }
                    switch batch.state(at: index) {
                    case .success(let state): evaluator.count(state, into: &counts, builder: &builder)
                    case .failure(let error): errors.append(error)
                    }
                }
                return (counts, errors)
            }
            for (counts, errors) in parts {
                report.add(counts)
                for error in errors { failed(error) }
            }
        }
    }
}
