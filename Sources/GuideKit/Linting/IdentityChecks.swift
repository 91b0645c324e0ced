/// Guide ids: unique in the folder, and matching the file name.
enum IdentityChecks {
    static func check(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var first: [String: SourceLocation] = [:]
        for guide in guides where !guide.id.value.isEmpty {
            let id = guide.id
            if let original = first[id.value] {
                diagnostics.append(
                    Diagnostic(
                        .error,
                        rule: "duplicate-guide-id",
                        "guide id '\(id.value)' is already used by \(original)",
                        at: id.location,
                        fix: "give each guide its own id",
                        related: [original]
                    )
                )
            } else {
                first[id.value] = id.location
            }
            let file = guide.file
            guard !file.isEmpty, NodeReader.isKebabCase(id.value) else { continue }
            let name = file.split(separator: "/").last.map(String.init) ?? file
            var stem = name
            for suffix in [".yaml", ".yml", ".json"] where stem.hasSuffix(suffix) {
                stem = String(stem.dropLast(suffix.count))
                break
            }
            if stem != id.value {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        rule: "file-name-mismatch",
                        "guide id '\(id.value)' differs from the file name '\(name)'",
                        at: id.location,
                        fix: "rename the file to '\(id.value).yaml', or change the id to '\(stem)'"
                    )
                )
            }
        }
        return diagnostics
    }
}
