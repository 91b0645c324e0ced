// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for GuideKit, in a package of their own so that the main package graph stays as it
// is. Build and run them with `scripts/fuzz.sh`; see README.md here.
let guideKit = Target.Dependency.product(name: "GuideKit", package: "GuideKit")

let package = Package(
    name: "GuideKitFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "GuideKit", path: "..")],
    targets: [
        // What the targets share: the repository's place, its example guides, set-up outside leak checks.
        .target(name: "FuzzSupport", dependencies: [guideKit]),
        // A guide file (YAML or JSON) through the loader and every lint check, beside the example guides.
        .executableTarget(name: "FuzzGuideLint", dependencies: ["FuzzSupport", guideKit]),
        // An `eval --jsonl` request: condition JSON, attributes and saved groups, compiled and evaluated.
        .executableTarget(name: "FuzzCondition", dependencies: ["FuzzSupport", guideKit]),
        // A user state as YAML or JSON, and a population as JSON Lines or CSV, then selection.
        .executableTarget(name: "FuzzUserState", dependencies: ["FuzzSupport", guideKit]),
        // Differential: the report's C event runs against its Swift reader, and the report's reader
        // against the tracker's (`state --events`), on one JSON Lines or CSV log.
        .executableTarget(name: "FuzzEventLogs", dependencies: ["FuzzSupport", guideKit]),
    ],
    swiftLanguageModes: [.v6]
)
