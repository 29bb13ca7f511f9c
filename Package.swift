// swift-tools-version:6.1
import Foundation
import PackageDescription

// Hyperscan (Debian: libhyperscan-dev; Vectorscan elsewhere) gives the fast `hyperscan` engine. It is used when
// its header is found, or when REDFLAG_HYPERSCAN=1; REDFLAG_HYPERSCAN=0 builds without it (the `pcre2` engine
// only). scripts/ensure-deps.sh installs it, so CI always builds with it.
let hyperscanHeaders = ["/usr/include/hs/hs.h", "/usr/local/include/hs/hs.h", "/opt/homebrew/include/hs/hs.h"]
let useHyperscan: Bool = Context.environment["REDFLAG_HYPERSCAN"].map { $0 != "0" }
    ?? hyperscanHeaders.contains { FileManager.default.fileExists(atPath: $0) }

let package = Package(
    name: "redflag",
    platforms: [.macOS(.v15)],
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
        .systemLibrary(
            name: "CHyperscan",
            pkgConfig: "libhs",
            providers: [.apt(["libhyperscan-dev"]), .brew(["vectorscan"])]
        ),
        .target(
            name: "RedFlagRegex",
            dependencies: ["CPCRE2"] + (useHyperscan ? ["CHyperscan"] : []),
            swiftSettings: useHyperscan ? [.define("REDFLAG_HYPERSCAN")] : []
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
