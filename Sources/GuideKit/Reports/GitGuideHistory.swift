import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Runs `git -C directory arguments…` with `input` (from a temporary file) on standard input;
    /// `nil` when git is missing or fails.
    ///
    /// Spawned directly (not through `Process`): the report starts with these calls, and a direct spawn
    /// saves tens of milliseconds each.
    private static func git(_ arguments: [String], in directory: String, input: [UInt8]? = nil) -> [UInt8]? {
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { return nil }
        var inputFile: UnsafeMutablePointer<FILE>?
        defer { inputFile.map { _ = fclose($0) } }
        if let input {
            guard let file = tmpfile(), fwrite(input, 1, input.count, file) == input.count, fflush(file) == 0
            else {
                close(output[0])
                close(output[1])
                return nil
            }
            rewind(file)
            inputFile = file
        }
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let inputFile {
            posix_spawn_file_actions_adddup2(&actions, fileno(inputFile), 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_addclose(&actions, output[0])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let words = ["git", "-C", directory] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, "git", &actions, nil, &argv, environ)
        close(output[1])
        guard spawned == 0 else {
            close(output[0])
            return nil
        }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(output[0], $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            result.append(contentsOf: chunk[..<count])
        }
        close(output[0])
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0, errno == EINTR {}
        // Exited normally with status 0.
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else { return nil }
        return result
    }
}
