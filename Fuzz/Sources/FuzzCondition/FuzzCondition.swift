import Foundation
import FuzzSupport
import GuideKit

/// One input: an `eval --jsonl` request line, parsed, compiled and evaluated.
///
/// The line is `{"condition": …, "attributes": …, "savedGroups": …}`; the answer must be one JSON line.
/// The condition is also linted, as `guidekit lint` checks the conditions of a guide.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCondition(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let response = ConditionRequest.response(to: line, now: 1_790_000_000)
    guard response.hasPrefix("{\"result\": ") || response.hasPrefix("{\"error\": "), !response.contains("\n") else {
        fatalError("not one JSON answer line: \(response)")
    }
    if let request = try? JSONDecoder().decode([String: Value].self, from: Data(line.utf8)),
        let condition = request["condition"]
    {
        _ = ConditionLinter(catalog: Catalog()).diagnostics(for: condition)
    }
    return 0
}

/// Builds the fixtures before the first input (libFuzzer calls this once).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    warmUp(fuzzCondition, with: #"{"condition":{"a":{"$gt":1}},"attributes":{"a":2}}"#)
    return 0
}
