import Foundation
import GuideKit

/// The repository root, found from this file's place (`Fuzz/Sources/FuzzSupport/`).
public let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The repository's example guides and project file (`guides/`), or an empty result when they cannot be read.
public func loadExampleGuides() -> LoadResult {
    (try? GuideLoader.loadFolder(at: repository.appendingPathComponent("guides").path)) ?? LoadResult()
}

/// Runs `body` with LeakSanitizer's recording off: what it allocates is never reported as a leak.
///
/// The targets build their fixtures (guides, step orders) once, in globals, before the first input. Swift
/// keeps some of those references with tag bits in an enum's spare bits, where LeakSanitizer's scan does
/// not recognise them, so it would report the fixtures as leaked at the first input that allocates.
/// Work done per input is never run this way: a leak there fails the run.
public func withoutLeakChecks(_ body: () -> Void) {
    typealias Toggle = @convention(c) () -> Void
    let handle = dlopen(nil, RTLD_NOW)
    let disable = dlsym(handle, "__lsan_disable").map { unsafeBitCast($0, to: Toggle.self) }
    let enable = dlsym(handle, "__lsan_enable").map { unsafeBitCast($0, to: Toggle.self) }
    disable?()
    body()
    enable?()
}

/// Builds a target's fixtures and runs it once on `input` outside leak checks (see ``withoutLeakChecks(_:)``),
/// for `LLVMFuzzerInitialize`: lazily made globals of GuideKit are made there, not in the first input.
///
/// - Parameters:
///   - target: the target's `LLVMFuzzerTestOneInput`.
///   - input: a typical input.
public func warmUp(_ target: (UnsafePointer<UInt8>, Int) -> CInt, with input: String) {
    withoutLeakChecks {
        var bytes = Array(input.utf8)
        bytes.append(0)  // a base address even for empty input
        _ = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { target($0, buffer.count - 1) }
        }
    }
}

// MARK: - Known defects (temporary)

/// Defects of issue 16 whose fixes are being made elsewhere and are not on main yet.
///
/// A target skips the inputs that reach them, so that a short run finds new problems instead of these.
/// Each case goes when its fix lands (see Fuzz/README.md).
public enum KnownDefect: CaseIterable, Sendable {
    /// A number of magnitude 2^63 or more traps in `Double.javaScriptText` (a version operator, a
    /// numeric user id); skipped: any number written with an exponent or with 19 digits or more.
    case hugeNumber
    /// `$glob` and `$regex` take exponential time on patterns with many wildcards or nested quantifiers;
    /// skipped: inputs naming either operator with more than three `*` and `+` in all.
    case exponentialPattern

    /// Whether `bytes` may reach the defect.
    public func isReached(by bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .hugeNumber:
            var digits = 0
            for (index, byte) in bytes.enumerated() {
                if byte >= 0x30 && byte <= 0x39 {
                    digits += 1
                    if digits >= 19 { return true }
                } else {
                    if (byte == 0x65 || byte == 0x45) && digits > 0 && index + 1 < bytes.count {
                        return true  // 1e19, 2E+20
                    }
                    digits = 0
                }
            }
            return false
        case .exponentialPattern:
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.contains("$glob") || text.contains("$regex") else { return false }
            return text.utf8.count { $0 == 0x2A || $0 == 0x2B } > 3
        }
    }
}

/// Whether `bytes` may reach any known defect (see ``KnownDefect``).
public func reachesKnownDefect(_ data: UnsafePointer<UInt8>, _ size: Int) -> Bool {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    return KnownDefect.allCases.contains { $0.isReached(by: bytes) }
}
