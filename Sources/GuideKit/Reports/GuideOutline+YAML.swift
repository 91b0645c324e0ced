import Foundation
import Yams

// A minimal reading of guide files: only `id`, `name`, `version` and `steps[].id`. The full guide
// loader validates everything else; the report needs only the step order.
extension GuideOutline {
    /// Reads the outline of a guide from YAML text.
    ///
    /// - Parameters:
    ///   - yaml: the guide file's text.
    ///   - file: its path, for the error.
    /// - Throws: ``EventLogError`` naming the file when it is not a guide with an id, a version and
    ///   steps with ids.
    public init(yaml: String, file: String) throws {
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch {
            throw EventLogError(path: file, message: "not valid YAML: \(error)")
        }
        guard let mapping = loaded as? [String: Any] else {
            throw EventLogError(path: file, message: "not a guide: the file is not a mapping")
        }
        guard let id = mapping["id"] as? String, !id.isEmpty else {
            throw EventLogError(path: file, message: "the guide has no 'id'")
        }
        let version: Int
        switch mapping["version"] {
        case let number as Int where number >= 1: version = number
        default: throw EventLogError(path: file, message: "the guide has no 'version' (a whole number ≥ 1)")
        }
        guard let steps = mapping["steps"] as? [Any], !steps.isEmpty else {
            throw EventLogError(path: file, message: "the guide has no 'steps'")
        }
        var stepIds: [String] = []
        for (index, step) in steps.enumerated() {
            guard let step = step as? [String: Any], let stepId = step["id"] as? String else {
                throw EventLogError(path: file, message: "step \(index + 1) has no 'id'")
            }
            stepIds.append(stepId)
        }
        self.init(id: id, name: mapping["name"] as? String, version: version, steps: stepIds)
    }
}

extension StepOrderBook {
    /// Reads every guide in a folder (`*.yaml`, `*.yml`; not `guidekit.yaml` nor `tests/`), and the
    /// earlier versions of each from git history when the folder is in a git repository.
    ///
    /// - Parameters:
    ///   - folder: the guides folder.
    ///   - usesGitHistory: whether to look for earlier versions in git.
    /// - Throws: ``EventLogError`` when the folder cannot be listed.
    public init(guidesFolder folder: String, usesGitHistory: Bool = true) throws {
        self.init()
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EventLogError(path: folder, message: "no guides folder here; pass --guides <folder>")
        }
        let names = try manager.contentsOfDirectory(atPath: folder).sorted()
        let history = usesGitHistory ? GitGuideHistory(folder: folder) : nil
        let committed = history?.committedVersions(of: Set(names)) ?? [:]
        for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            guard name != "guidekit.yaml", name != "guidekit.yml" else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let outline = try GuideOutline(yaml: text, file: path)
                if let existing = files[outline.id] {
                    problems.append(
                        Diagnostic(
                            .warning,
                            rule: "duplicate-guide",
                            "guide '\(outline.id)' is defined in \(existing) and \(path); the report uses the first",
                            at: SourceLocation(file: path, line: 1, column: 1)
                        )
                    )
                    continue
                }
                add(current: outline, file: path)
                for (revision, text) in committed[name] ?? [] {
                    guard let old = try? GuideOutline(yaml: text, file: path), old.id == outline.id,
                        old.version != outline.version
                    else { continue }
                    add(earlier: old, origin: "\(path)@\(revision.prefix(12))")
                }
            } catch let error as EventLogError {
                problems.append(
                    Diagnostic(
                        .warning,
                        rule: "unreadable-guide",
                        error.message,
                        at: SourceLocation(file: path, line: 1, column: 1)
                    )
                )
            } catch {
                problems.append(
                    Diagnostic(
                        .warning,
                        rule: "unreadable-guide",
                        "\(error)",
                        at: SourceLocation(file: path, line: 1, column: 1)
                    )
                )
            }
        }
        isInGitRepository = history != nil
    }
}
