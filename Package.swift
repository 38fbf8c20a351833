// swift-tools-version:6.0
import PackageDescription

// The targets are the architecture (README, "Layout"):
//   KdumpBakeCore            pure logic and host-side image files; builds without libguestfs
//   Guestfs                  a thin typed binding of libguestfs, no product policy
//   KdumpBakeAppliance       everything that talks to the appliance: launching, reading facts, applying plans
//   KdumpBakeCLI             the `kdumpbake` command
//   HostProcess              the one way to run a host program (argv, caps, time limit, streaming)
//   KdumpBakeCommandSupport  what `kdumpbake` and `kdumpbake-demo` share: the one stderr writer, exit statuses
let package = Package(
    name: "kdumpbake",
    products: [
        .executable(name: "kdumpbake", targets: ["KdumpBakeCLI"]),
        .library(name: "KdumpBake", targets: ["KdumpBakeCore", "KdumpBakeAppliance"]),
        .library(name: "Guestfs", targets: ["Guestfs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The only C in the project: libguestfs's header plus a shim for what Swift cannot import.
        .systemLibrary(
            name: "CGuestfs",
            pkgConfig: "libguestfs",
            providers: [.apt(["libguestfs-dev"])]
        ),
        // A typed Swift binding of the libguestfs calls kdumpbake needs: handles, typed errors, Errno.
        .target(name: "Guestfs", dependencies: ["CGuestfs", .product(name: "SystemPackage", package: "swift-system")]),
        // The one way to run a host program (argv only): captured output with caps, time limit,
        // streaming, typed termination. Foundation only; product and tests both use it.
        .target(name: "HostProcess"),
        // Manifest, parsers, guest facts, checks, plans, templates, text editing, reports, image files.
        // No libguestfs: every rule here is testable in milliseconds on any machine.
        .target(
            name: "KdumpBakeCore",
            dependencies: ["DefaultTemplates", "HostProcess", "Yams", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // The appliance side: launching (KVM→TCG fallback, watchdog), reading facts through the
        // binding, applying plans, the patch transaction, audit and patch runners, the drill.
        .target(
            name: "KdumpBakeAppliance",
            dependencies: ["KdumpBakeCore", "Guestfs", "HostProcess"]
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
                .embedInCode("kdump-tools-defaults.mustache"),
                .embedInCode("grub-kdumpbake.cfg.mustache"),
            ]
        ),
        // What every kdumpbake executable shares: the one writer of standard error (progress and
        // messages), the classification of how a command ends, and the exit status computed from it.
        .target(
            name: "KdumpBakeCommandSupport",
            dependencies: [
                "KdumpBakeCore",
                "KdumpBakeAppliance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The `kdumpbake` command: one file per subcommand, thin. No test code: the demo is its own executable.
        .executableTarget(
            name: "KdumpBakeCLI",
            dependencies: [
                "KdumpBakeCore",
                "KdumpBakeAppliance",
                "KdumpBakeCommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `swift run kdumpbake-demo`: builds a look-alike sample image with the test image builder, then
        // audits, patches and audits it again. Kept out of `kdumpbake` so the product carries no test code.
        .executableTarget(
            name: "kdumpbake-demo",
            dependencies: [
                "KdumpBakeCore",
                "KdumpBakeAppliance",
                "KdumpBakeCommandSupport",
                "TestImages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Demo"
        ),
        // Builds CentOS look-alike test images from scratch with host tools (and the appliance for xfs).
        .target(name: "TestImages", dependencies: ["HostProcess"], path: "Tests/TestImages"),
        // Test images for scripts (swift run kdumpbake-testimage centos64 vhd) and the in-place landing alone for the kill test.
        .executableTarget(name: "kdumpbake-testimage", dependencies: ["KdumpBakeCore", "TestImages"], path: "Tests/TestImageTool"),
        // What several test targets share: host tools, hashes, recipes, running kdumpbake under signals.
        .target(name: "TestSupport", dependencies: ["HostProcess", "KdumpBakeCore", "TestImages"], path: "Tests/TestSupport"),
        .testTarget(
            name: "GuestfsTests",
            dependencies: ["Guestfs", "KdumpBakeAppliance", "TestImages", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // Pure tests: no appliance, no libguestfs needed to build or run them.
        .testTarget(name: "KdumpBakeCoreTests", dependencies: ["HostProcess", "KdumpBakeCore", "TestSupport", "TestImages"]),
        // Tests that launch the appliance, through the library or through the `kdumpbake` binary,
        // and the exit statuses every command shares.
        .testTarget(
            name: "KdumpBakeApplianceTests",
            dependencies: ["HostProcess", "KdumpBakeAppliance", "KdumpBakeCommandSupport", "KdumpBakeCore", "Guestfs", "TestSupport", "TestImages"]
        ),
        // The invariants ci/fuzz hands to libFuzzer, one harness per parser family; a plain build
        // replays saved inputs (`swift run kdumpbake-fuzz text FILE`). Core only: no libguestfs.
        .executableTarget(name: "kdumpbake-fuzz", dependencies: ["KdumpBakeCore"], path: "Tests/FuzzHarnesses"),
        // Property-based fuzzing of every parser of guest or user bytes; bounded, runs in plain `swift test`.
        .testTarget(
            name: "ParserFuzzTests",
            dependencies: ["KdumpBakeCore", "TestImages", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
    ]
)
