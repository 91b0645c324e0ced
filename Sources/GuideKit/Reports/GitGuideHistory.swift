import Dispatch
import Foundation

/// The committed contents of guide files, read from git with two processes whatever the history's size:
/// `git log --name-only` lists the commits that touched each file, `git cat-file --batch` prints them.
///
/// Used to find the step order of earlier guide versions: each commit that touched a guide file
/// holds the file as it was then, with the `version` it had.
struct GitGuideHistory {
    /// The guides folder.
    let folder: String
    /// The output of `git log --format=%H --name-only` for the folder.
    private let log: [UInt8]

    /// `nil` when the folder is not inside a git work tree with commits (or git is not installed).
    init?(folder: String) {
        self.folder = folder
        guard
            let log = Self.git(
                ["-c", "core.quotepath=off", "log", "--format=%H", "--name-only", "--relative", "--", "."],
                in: folder
            )
        else { return nil }
        self.log = log
    }

    /// For each file name in the folder, its committed texts, newest first, with their commits.
    func committedVersions(of fileNames: Set<String>) -> [String: [(revision: String, text: String)]] {
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
        guard let output = Self.git(["cat-file", "--batch"], in: folder, input: Array(input.utf8)) else { return [:] }
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

    /// Runs `git -C directory arguments…` through Foundation's `Process`, with `input` on standard input;
    /// `nil` when git is missing or fails.
    ///
    /// Standard output and standard error are read at the same time (standard error on another thread), so
    /// neither pipe can fill up and stall git; the input comes from a temporary file, so writing it cannot
    /// stall either, nor raise `SIGPIPE` when git stops reading early.
    private static func git(_ arguments: [String], in directory: String, input: [UInt8]? = nil) -> [UInt8]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        var inputFile: URL?
        defer { inputFile.map { try? FileManager.default.removeItem(at: $0) } }
        if let input {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-git-\(UUID().uuidString)")
            guard (try? Data(input).write(to: url)) != nil, let handle = try? FileHandle(forReadingFrom: url) else {
                return nil
            }
            inputFile = url
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return nil
        }
        let errorsRead = DispatchGroup()
        DispatchQueue.global().async(group: errorsRead) {
            _ = errors.fileHandleForReading.readDataToEndOfFile()
        }
        let result = output.fileHandleForReading.readDataToEndOfFile()
        errorsRead.wait()
        process.waitUntilExit()
        (process.standardInput as? FileHandle)?.closeFile()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return [UInt8](result)
    }
}
