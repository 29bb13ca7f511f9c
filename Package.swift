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
