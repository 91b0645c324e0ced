import Foundation
import GuideKit

/// One loaded, linted guide set: what the server decides and replays with until the next reload.
public struct GuideSet: Sendable {
    /// The compiled guides.
    public let compiled: CompiledGuideSet
    /// The state machine every event goes through (the one `guidekit simulate` uses).
    public let machine: GuideStateMachine
    /// The selector.
    public let selector: Selector
    /// The lint findings (warnings only: a set with errors is never loaded).
    public let diagnostics: [Diagnostic]
    /// A short hash of the files' names and contents: the guide set version `/healthz` reports.
    public let version: String
    /// When it was loaded.
    public let loadedAt: Date

    /// Wraps a loaded set.
    ///
    /// - Throws: ``GuideKit/LoadError`` when the load has errors.
    public init(_ result: LoadResult, diagnostics: [Diagnostic], version: String, loadedAt: Date) throws(LoadError) {
        compiled = try CompiledGuideSet(result)
        machine = GuideStateMachine(compiled)
        selector = Selector(compiled)
        self.diagnostics = diagnostics
        self.version = version
        self.loadedAt = loadedAt
    }

    /// Whether the guide is an experiment (it has A/B variants), so the user's assignment is an exposure.
    public func isExperiment(_ guideID: String) -> Bool {
        !(compiled[guideID]?.guide.rollout?.variants.isEmpty ?? true)
    }
}
