// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "redflag",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "RedFlag", targets: ["RedFlag"]),
        .executable(name: "redflag", targets: ["RedFlagCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CExtTextCat",
            pkgConfig: "libexttextcat",
            providers: [.apt(["libexttextcat-dev"])]
        ),
        .target(
            name: "RedFlagRegex",
            dependencies: ["CPCRE2"]
        ),
        .target(
            name: "RedFlag",
            dependencies: [
                "RedFlagRegex",
                "CExtTextCat",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "RedFlagCLI",
            dependencies: [
                "RedFlag",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "redflag-example",
            dependencies: ["RedFlag"],
            path: "examples/library"
        ),
        .executableTarget(
            name: "redflag-bench",
            dependencies: ["RedFlag", "RedFlagRegex"],
            path: "Benchmarks/RedFlagBench"
        ),
        .testTarget(name: "RedFlagRegexTests", dependencies: ["RedFlagRegex"]),
        .testTarget(name: "RedFlagTests", dependencies: ["RedFlag"]),
        .testTarget(name: "RedFlagCLITests", dependencies: ["RedFlag", "RedFlagCLI", "redflag-example"]),
    ],
    swiftLanguageModes: [.v6]
)

// The HTTP service (`redflag-serve`, run by `redflag serve`): an executable of its own, so the library and the
// `redflag` CLI do not link Hummingbird. REDFLAG_NO_SERVICE=1 leaves it out of the package: scripts/sanitize.sh
// sets it, so the sanitizer builds do not build Hummingbird and its dependencies twice more.
if Context.environment["REDFLAG_NO_SERVICE"] == nil {
    package.products.append(.executable(name: "redflag-serve", targets: ["RedFlagServer"]))
    package.dependencies += [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ]
    package.targets += [
        .target(
            name: "RedFlagService",
            dependencies: [
                "RedFlag",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "RedFlagServer",
            dependencies: [
                "RedFlagService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "RedFlagServerTests", dependencies: ["RedFlagService", "RedFlagServer"]),
    ]
}
