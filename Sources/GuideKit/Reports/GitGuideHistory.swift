import Foundation

/// The committed contents of guide files, read with `git log` and `git show`.
///
/// Used to find the step order of earlier guide versions: each commit that touched a guide file
/// holds the file as it was then, with the `version` it had.
struct GitGuideHistory {
    /// The guides folder.
    let folder: String

    /// `nil` when the folder is not inside a git work tree (or git is not installed).
    init?(folder: String) {
        self.folder = folder
        guard let output = Self.git(["rev-parse", "--is-inside-work-tree"], in: folder),
            output.trimmingCharacters(in: .whitespacesAndNewlines) == "true"
        else { return nil }
    }

    /// The file's committed texts, newest first, with their commits.
    func committedVersions(of fileName: String) -> [(revision: String, text: String)] {
        guard let log = Self.git(["log", "--format=%H", "--", fileName], in: folder) else { return [] }
        var result: [(String, String)] = []
        for revision in log.split(separator: "\n") where !revision.isEmpty {
            if let text = Self.git(["show", "\(revision):./\(fileName)"], in: folder) {
                result.append((String(revision), text))
            }
        }
        return result
    }

    /// Runs git in `directory`; `nil` when it fails.
    private static func git(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
