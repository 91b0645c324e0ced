// swift-tools-version:6.2
import PackageDescription

// The framework's own ceiling for `scripts/bench_server.py --ceiling`: Hummingbird (the version the server
// uses) answering the benchmark's decide requests with constant bodies, no store, no middleware.
let package = Package(
    name: "HummingbirdCeiling",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1")
    ],
    targets: [
        .executableTarget(
            name: "HummingbirdCeiling",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        )
    ]
)
