import Crypto
import Foundation
import GuideKit
import Logging
import Synchronization

/// The guide set the server serves, and its reloads: a new set is linted first and refused with errors, so
/// the last good set keeps serving.
public final class GuideLibrary: Sendable {
    /// The result of one reload.
    public enum ReloadOutcome: Sendable, Equatable {
        /// The files did not change.
        case unchanged
        /// The new set is serving.
        case loaded(version: String)
        /// The new set has errors (or cannot be read) and was refused; the old one keeps serving.
        case refused(errors: Int)
    }

    /// The state of the last reload that failed, shown at `/v1/guides` and in the log until a reload succeeds.
    public struct Failure: Sendable {
        /// The error diagnostics (or one describing why the folder cannot be read).
        public var diagnostics: [Diagnostic]
        /// When the reload was tried.
        public var at: Date
    }

    private struct State: Sendable {
        var current: GuideSet
        var fingerprint: [String]
        var failure: Failure?
        var reloads = 0
        var failures = 0
    }

    /// The guides folder.
    public let folder: String
    private let state: Mutex<State>
    private let logger: Logger

    /// Loads the folder; the server does not start on a set with errors.
    ///
    /// - Throws: ``GuideLibraryError`` with the errors.
    public init(folder: String, logger: Logger) throws(GuideLibraryError) {
        self.folder = folder
        self.logger = logger
        let fingerprint = Self.fingerprint(of: folder)
        switch Self.load(folder) {
        case .success(let set):
            state = Mutex(State(current: set, fingerprint: fingerprint))
        case .failure(let diagnostics):
            throw GuideLibraryError(folder: folder, diagnostics: diagnostics)
        }
    }

    /// The set serving now.
    public var current: GuideSet { state.withLock { $0.current } }

    /// The last failed reload since the last good one, if any.
    public var failure: Failure? { state.withLock { $0.failure } }

    /// Reload attempts and refusals so far.
    public var reloadCounts: (reloads: Int, failures: Int) { state.withLock { ($0.reloads, $0.failures) } }

    /// Loads the folder again if its files changed (or always, when `force`), keeping the old set on errors.
    @discardableResult
    public func reload(force: Bool = false) -> ReloadOutcome {
        let fingerprint = Self.fingerprint(of: folder)
        let unchanged = state.withLock { $0.fingerprint == fingerprint }
        if unchanged && !force { return .unchanged }
        let outcome: ReloadOutcome
        switch Self.load(folder) {
        case .success(let set):
            outcome = state.withLock { state in
                state.reloads += 1
                state.fingerprint = fingerprint
                state.failure = nil
                state.current = set
                return .loaded(version: set.version)
            }
            logger.info(
                "guides reloaded",
                metadata: ["version": "\(set.version)", "guides": "\(set.compiled.guides.count)"]
            )
        case .failure(let diagnostics):
            outcome = state.withLock { state in
                state.reloads += 1
                state.failures += 1
                state.fingerprint = fingerprint
                state.failure = Failure(diagnostics: diagnostics, at: Date())
                return .refused(errors: diagnostics.count)
            }
            logger.error(
                "guides refused: \(diagnostics.count) error(s); still serving version \(current.version)",
                metadata: ["folder": "\(folder)"]
            )
            for diagnostic in diagnostics.prefix(20) { logger.error("\(diagnostic)") }
        }
        return outcome
    }

    private enum LoadOutcome {
        case success(GuideSet)
        case failure([Diagnostic])
    }

    private static func load(_ folder: String) -> LoadOutcome {
        let result: LoadResult
        do {
            result = try GuideLoader.loadFolder(at: folder)
        } catch {
            return .failure([
                Diagnostic(
                    .error,
                    rule: "unreadable",
                    error.message,
                    at: SourceLocation(file: folder, line: 1, column: 1)
                )
            ])
        }
        let diagnostics = Linter().lint(result)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { return .failure(errors) }
        let version = contentHash(result.guideFiles + [result.projectFile].compactMap { $0 })
        do {
            return .success(try GuideSet(result, diagnostics: diagnostics, version: version, loadedAt: Date()))
        } catch {
            return .failure(error.diagnostics)
        }
    }

    /// A hash of the files' names and contents, 12 hex digits.
    private static func contentHash(_ files: [String]) -> String {
        var hasher = SHA256()
        for file in files.sorted() {
            hasher.update(data: Data(file.utf8))
            hasher.update(data: (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data())
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined().prefix(12).description
    }

    /// The top-level files of the folder with their sizes and modification times.
    private static func fingerprint(of folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            let path = (folder as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType != .typeDirectory
            else { return nil }
            let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            return "\(name)|\(time)|\(size)"
        }
    }
}

/// The guides cannot be served: the folder is missing or the set has lint errors.
public struct GuideLibraryError: Error, Sendable, CustomStringConvertible {
    /// The guides folder.
    public var folder: String
    /// The errors.
    public var diagnostics: [Diagnostic]

    /// The errors, one per line, and what to do.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
            + "\nerror: fix the guides first (guidekit lint \(folder))"
    }
}
