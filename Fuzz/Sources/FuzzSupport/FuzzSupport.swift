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
