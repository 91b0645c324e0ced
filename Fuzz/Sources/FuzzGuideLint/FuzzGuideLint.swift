import Foundation
import FuzzSupport
import GuideKit

/// The repository's example project (catalog, locales) and two of its guides, read once.
///
/// The input guide is linted beside the two, so the checks across guides (ids, conflicts, events) see
/// real neighbours, and its conditions are checked against the catalog. (Linting it beside all thirteen
/// example guides ran about 20 inputs a second; beside two, most of the time goes to the input.)
let examples: LoadResult = {
    var result = loadExampleGuides()
    result.guides = result.guides.filter { ["welcome-tour", "board-automations-ab"].contains($0.id.value) }
    result.guideFiles = result.guideFiles.filter { $0.hasSuffix("welcome-tour.yaml") || $0.hasSuffix("-ab.yaml") }
    result.diagnostics = []
    return result
}()

/// One input: a guide file (YAML or JSON), loaded, linted with every standard check, rendered in each
/// lint format and compiled for selection; the same text is also read as a project file, whose catalog
/// the two example guides are then linted against.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGuideLint(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (guide, diagnostics) = GuideLoader.loadGuide(yaml: text, file: "guides/fuzz.yaml")
    var result = examples
    result.guideFiles.append("guides/fuzz.yaml")
    if let guide { result.guides.append(guide) }
    result.diagnostics += diagnostics
    let report = Linter().report(result)
    _ = report.renderHuman(colored: false)
    _ = report.renderJSON()
    _ = report.renderGitHub()
    if let guide {
        // The guide compiles for selection too (conditions, branches, variants).
        _ = CompiledGuide(guide, catalog: examples.project?.catalog ?? Catalog())
    }
    let (project, _) = GuideLoader.loadProject(yaml: text)
    if let project {
        _ = Linter().lint(LoadResult(project: project, projectFile: "guides/guidekit.yaml", guides: examples.guides))
    }
    return 0
}

/// Builds the fixtures before the first input (libFuzzer calls this once).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    warmUp(fuzzGuideLint, with: "id: tour\nname: Tour\nversion: 1\nsteps:\n  - {id: a, kind: modal, title: Hi}\n")
    return 0
}
