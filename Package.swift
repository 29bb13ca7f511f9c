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
