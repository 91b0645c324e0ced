import Foundation

/// The files a list of "files or folders" arguments names, read the same way by every command that takes
/// one (scenario tests, personas).
package enum SourceFiles {
    /// The files `path` names: `path` itself when it is a file; otherwise the folder's files whose
    /// extension is one of `extensions`, sorted by name (an unreadable folder has none).
    ///
    /// - Parameters:
    ///   - path: a file or a folder.
    ///   - extensions: the extensions to keep in a folder, without the dot (`yaml`).
    /// - Returns: the paths, or `nil` when nothing is at `path`.
    package static func files(at path: String, extensions: Set<String>) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { extensions.contains(($0 as NSString).pathExtension) }.sorted()
            .map { (path as NSString).appendingPathComponent($0) }
    }
}
