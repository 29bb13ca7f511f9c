// swift-tools-version:6.1
// libFuzzer targets for redflag. Build and run them with scripts/fuzz.sh (they need -sanitize=fuzzer).
import PackageDescription



let package = Package(
    name: "redflag-fuzz",
    // `redflag` is a link to the repository root, so the dependency has the same identity in every clone.
    dependencies: [.package(path: "redflag")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzRuleLoader", dependencies: ["FuzzSupport", .product(name: "RedFlag", package: "redflag")]),
        .executableTarget(
            name: "FuzzNormalizer", dependencies: ["FuzzSupport", .product(name: "RedFlag", package: "redflag")]),
        .executableTarget(
            name: "FuzzJSONLines", dependencies: ["FuzzSupport", .product(name: "RedFlag", package: "redflag")]),
    ],
    swiftLanguageModes: [.v6]
)
