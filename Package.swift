// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kdumpbake",
    products: [
        .executable(name: "kdumpbake", targets: ["kdumpbake"]),
        .library(name: "KdumpBake", targets: ["KdumpBake"]),
        .library(name: "Guestfs", targets: ["Guestfs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The only C in the project: libguestfs's header plus a shim for what Swift cannot import.
        .systemLibrary(
            name: "CGuestfs",
            pkgConfig: "libguestfs",
            providers: [.apt(["libguestfs-dev"])]
        ),
        // A typed, documented Swift binding of the libguestfs calls kdumpbake needs.
        .target(name: "Guestfs", dependencies: ["CGuestfs"]),
        // The core: pure logic (manifest, checks, plans) plus the two places that touch the appliance.
        .target(
            name: "KdumpBake",
            dependencies: ["Guestfs", "DefaultTemplates", "Yams", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // The built-in manifest and templates: files under Templates/, embedded into the binary.
        .target(
            name: "DefaultTemplates",
            path: "Templates",
            resources: [
                .embedInCode("manifest.yaml"),
                .embedInCode("kdump-el6.conf.mustache"),
                .embedInCode("kdump-el7.conf.mustache"),
                .embedInCode("sysctl-panic.conf.mustache"),
                .embedInCode("sysconfig-kdump.mustache"),
            ]
        ),
        // The command-line tool: one file per subcommand, thin.
        .executableTarget(
            name: "kdumpbake",
            dependencies: [
                "KdumpBake",
                "TestImages",  // `kdumpbake demo` builds its sample image with the test image builder
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Builds CentOS look-alike test images from scratch with host tools (and the appliance for xfs).
        .target(name: "TestImages", path: "Tests/TestImages"),
        // Test images for scripts (swift run kdumpbake-testimage centos64 vhd) and the in-place landing alone for the kill test.
        .executableTarget(name: "kdumpbake-testimage", dependencies: ["KdumpBake", "TestImages"], path: "Tests/TestImageTool"),
        .testTarget(name: "GuestfsTests", dependencies: ["Guestfs", "TestImages"]),
        .testTarget(name: "KdumpBakeTests", dependencies: ["KdumpBake", "Guestfs", "TestImages"]),
        // Property-based fuzzing of every parser of guest or user bytes; bounded, runs in plain `swift test`.
        .testTarget(
            name: "ParserFuzzTests",
            dependencies: ["KdumpBake", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
    ]
)
