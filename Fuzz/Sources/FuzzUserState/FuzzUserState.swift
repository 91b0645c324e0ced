import Foundation
import FuzzSupport
import GuideKit

/// The repository's example guides and project, read once: the catalog types CSV cells, and each state
/// read goes through selection against the guides.
let examples = loadExampleGuides()

let selector = Selector(CompiledGuideSet(guides: examples.guides, project: examples.project))

/// One input, read every way a user state is read.
///
/// The input is read as one YAML state, one JSON state, a JSON Lines population and a CSV population.
/// Every state read is rendered, read back from its JSON rendering (which must give the same state) and
/// run through selection on a page.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUserState(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var states: [UserState] = []
    if let state = try? UserState(yaml: text, file: "fuzz.yaml") { states.append(state) }
    if let state = try? UserState(json: text, file: "fuzz.json") { states.append(state) }
    let catalog = examples.project?.catalog
    for format in UserStateReader.Format.allCases {
        for case .success(let state) in UserStateReader(text: text, file: "fuzz", format: format, catalog: catalog) {
            states.append(state)
        }
    }
    for state in states.prefix(8) {
        _ = Tracker.renderYAML(state)
        let json = Tracker.renderJSON(state)
        _ = try? JSONEncoder().encode(state)
        do {
            let again = try UserState(json: json, file: "rendered.json")
            if again != state { fatalError("the JSON rendering reads back as another state:\n\(json)") }
        } catch {
            fatalError("the JSON rendering does not read back (\(error)):\n\(json)")
        }
        let context = SelectionContext(
            page: state.page?.path ?? "/home",
            now: state.now ?? Date(timeIntervalSince1970: 1_790_000_000)
        )
        _ = selector.select(for: state, in: context, explains: true)
    }
    return 0
}

/// Builds the fixtures before the first input (libFuzzer calls this once).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    warmUp(fuzzUserState, with: "id: u1\nuser: {plan: trial}\npage: {path: /home}\nnow: 2026-11-23T08:00:00Z\n")
    return 0
}
