// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "GuideKit",
    // Linux has no minimum; on Apple platforms the loader's `Synchronization.Mutex` needs macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GuideKit", targets: ["GuideKit"]),
        .executable(name: "guidekit", targets: ["guidekit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
    ],
    targets: [
        // The engine: Foundation and Yams (libyaml) only, so apps and servers can embed it.
        .target(
            name: "GuideKit",
            dependencies: ["CHotPath", .product(name: "Yams", package: "Yams")]
        ),
        // Cache prefetches, SSE2 byte compares and the line readers' fast paths in C (no library).
        .target(name: "CHotPath"),
        // The command-line tool: a thin layer over the engine.
        .executableTarget(
            name: "guidekit",
            dependencies: [
                "GuideKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "GuideKitTests",
            dependencies: ["GuideKit"],
            resources: [.copy("Fixtures")]
        ),
        // Runs the built `guidekit` binary on fixture folders: output, formats and exit codes.
        .testTarget(
            name: "GuideKitCLITests",
            dependencies: ["guidekit", "GuideKit"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
