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
        // The server only (`GuideKitServer`): the core and the other commands build without them.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // Tests only: property-based checks of the report.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
    ],
    targets: [
        // The engine: Foundation and Yams (libyaml) only, so apps and servers can embed it.
        .target(
            name: "GuideKit",
            dependencies: ["CHotPath", .product(name: "Yams", package: "Yams")]
        ),
        // Cache prefetches, SSE2 byte compares and the line readers' fast paths in C (no library).
        .target(name: "CHotPath"),
        // `guidekit serve`: the HTTP runtime (Hummingbird), its stores (memory, SQLite through GRDB,
        // PostgreSQL through postgres-nio), keys,
        // metrics and hot reload. Apps that only lint, simulate or report never build it.
        .target(
            name: "GuideKitServer",
            dependencies: [
                "GuideKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            // Resources/openapi.yaml is a copy of Schemas/openapi.yaml (a test keeps them equal), served at
            // /v1/openapi.yaml.
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/sdk"), .copy("Resources/demo")]
        ),
        // The command-line tool: a thin layer over the engine.
        .executableTarget(
            name: "guidekit",
            dependencies: [
                "GuideKit",
                "GuideKitServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "GuideKitTests",
            dependencies: ["GuideKit", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")]
        ),
        // The server's routes (HummingbirdTesting), stores (one conformance suite for each) and keys.
        .testTarget(
            name: "GuideKitServerTests",
            dependencies: [
                "GuideKitServer",
                "GuideKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // Creates a throw-away database per PostgreSQL store test.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Writes SQLite files that are not GuideKit stores, for the read-only opening's tests.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Runs the built `guidekit` binary on fixture folders: output, formats and exit codes.
        .testTarget(
            name: "GuideKitCLITests",
            dependencies: ["guidekit", "GuideKit"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
