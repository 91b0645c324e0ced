import Foundation
import GuideKit

/// Loading the guides folder the way every command but `lint` needs it: guides present and free of errors.
enum GuidesFolder {
    /// Where guides are looked for in `folder`, for messages.
    static func lookedFor(_ folder: String) -> String {
        "looked for *.yaml and *.yml files at the top level of \(folder) (subfolders such as tests/ are not read)"
    }

    /// Loads and compiles a guides folder.
    ///
    /// - Parameter folder: the folder, as the user named it.
    /// - Returns: the compiled guides.
    /// - Throws: ``CommandFailure``: 66 when the folder is missing or holds no guide file, 65 (with every
    ///   error) when a guide has errors.
    static func load(_ folder: String) throws(CommandFailure) -> CompiledGuideSet {
        let result: LoadResult
        do {
            result = try GuideLoader.loadFolder(at: folder)
        } catch {
            throw CommandFailure(error)
        }
        if result.guideFiles.isEmpty {
            throw CommandFailure.error(.noInput, "no guides in \(folder): \(lookedFor(folder)); pass --guides <folder>")
        }
        return try compile(result, folder: folder)
    }

    /// Compiles loaded guides.
    ///
    /// - Throws: ``CommandFailure`` with status 65 and every error when a guide has errors.
    static func compile(_ result: LoadResult, folder: String) throws(CommandFailure) -> CompiledGuideSet {
        do {
            return try CompiledGuideSet(result)
        } catch {
            let lines = error.diagnostics.map(\.description) + ["error: fix the guides first (guidekit lint \(folder))"]
            throw CommandFailure(.dataError, lines.joined(separator: "\n"))
        }
    }
}
