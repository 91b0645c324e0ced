import Foundation

/// The committed contents of guide files, read from git with two processes whatever the history's size:
/// `git log --name-only` lists the commits that touched each file, `git cat-file --batch` prints them.
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
            String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "true"
        else { return nil }
    }

    /// For each file name in the folder, its committed texts, newest first, with their commits.
    func committedVersions(of fileNames: Set<String>) -> [String: [(revision: String, text: String)]] {
        guard
            let log = Self.git(
                ["-c", "core.quotepath=off", "log", "--format=%H", "--name-only", "--relative", "--", "."],
                in: folder
            )
        else { return [:] }
        var requests: [(file: String, revision: String)] = []
        var revision = ""
        for line in String(decoding: log, as: UTF8.self).split(separator: "\n") {
            if line.count == 40, line.allSatisfy(\.isHexDigit) {
                revision = String(line)
            } else if fileNames.contains(String(line)), !revision.isEmpty {
                requests.append((String(line), revision))
            }
        }
        guard !requests.isEmpty else { return [:] }
        let input = requests.map { "\($0.revision):./\($0.file)\n" }.joined()
        guard let output = Self.git(["cat-file", "--batch"], in: folder, input: Data(input.utf8)) else { return [:] }
        var result: [String: [(String, String)]] = [:]
        var position = output.startIndex
        for request in requests {
            guard let headerEnd = output[position...].firstIndex(of: 0x0A) else { break }
            let header = String(decoding: output[position..<headerEnd], as: UTF8.self).split(separator: " ")
            position = headerEnd + 1
            guard header.count == 3, header[1] == "blob", let size = Int(header[2]),
                position + size <= output.endIndex
            else { continue }
            result[request.file, default: []].append(
                (request.revision, String(decoding: output[position..<position + size], as: UTF8.self))
            )
            position += size + 1
        }
        return result
    }

    /// Runs git in `directory`, feeding `input`; `nil` when it fails.
    private static func git(_ arguments: [String], in directory: String, input: Data? = nil) -> Data? {
        let process = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/git") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        var inputFile: URL?
        if let input {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-git-\(UUID().uuidString)")
            guard (try? input.write(to: url)) != nil, let handle = try? FileHandle(forReadingFrom: url) else {
                return nil
            }
            process.standardInput = handle
            inputFile = url
        }
        defer { inputFile.map { try? FileManager.default.removeItem(at: $0) } }
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return data
    }
}
