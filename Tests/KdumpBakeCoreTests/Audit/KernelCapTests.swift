import Foundation
@testable import KdumpBakeCore
import Testing

/// A guest with many kernels cannot make a patch run for days: a profile covers at most
/// `max_kernels` (the newest), the rest are named in a warning.
@Suite struct KernelCapTests {
    /// 20 el6 kernels whose newest by version are not the last in name order (-9 < -10).
    static let kernels = (1...20).map { "2.6.32-\($0).el6.x86_64" }

    static func guest() -> FactsBuilder {
        kernels.reduce(FactsBuilder.el6().file(GuestPaths.kdumpConf, Fixture.el6KdumpConf)) {
            $0.initrd("/boot/initrd-\($1)kdump.img", modules: ["ata_piix", "sd_mod", "sr_mod"])
        }.kernels(kernels)
    }

    @Test func theNewestMaxKernelsAreCoveredAndTheRestNamed() {
        let context = Self.guest().context("el6-hyperv")
        #expect(context.profile.maxKernels == Profile.defaultMaxKernels)
        #expect(context.selectedKernels == (13...20).map { "2.6.32-\($0).el6.x86_64" })
        #expect(context.kernelsBeyondCap == (1...12).map { "2.6.32-\($0).el6.x86_64" })
        let finding = KdumpInitrdCheck.presence(context)
        #expect(finding.status == .warn)
        #expect(finding.message.contains("20 kernels installed, max_kernels is 8: only the newest 8 are covered; 2.6.32-1.el6.x86_64, 2.6.32-2.el6.x86_64, 2.6.32-3.el6.x86_64, 2.6.32-4.el6.x86_64, 2.6.32-5.el6.x86_64 and 7 more keep their kdump initrd as it is"))
        #expect(finding.firstBoot?.map(\.kernel) == context.selectedKernels)
    }

    @Test func aProfileMaySetItsOwnCap() {
        let context = Self.guest().context(Profiles.named("el6-hyperv") { $0.maxKernels = 2 })
        #expect(context.selectedKernels == ["2.6.32-19.el6.x86_64", "2.6.32-20.el6.x86_64"])
        #expect(context.kernelsBeyondCap.count == 18)
    }

    @Test func underTheCapNothingIsSaid() {
        let context = Self.guest().kernels(Array(Self.kernels.prefix(3))).context("el6-hyperv")
        #expect(context.kernelsBeyondCap.isEmpty)
        #expect(!KdumpInitrdCheck.presence(context).message.contains("max_kernels"))
    }

    @Test func theManifestValueIsBounded() throws {
        func profile(_ value: String) throws -> Profile? {
            try Manifest.parse("""
                version: 1
                profiles:
                  - name: p
                    family: el6
                    match: {distro: centos, versions: "6"}
                    max_kernels: \(value)
                """, file: "m.yaml").profiles.first
        }
        #expect(try profile("3")?.maxKernels == 3)
        for (bad, why) in [("0", "must be between 1 and 64, not 0"), ("65", "must be between 1 and 64, not 65"), ("many", "must be a whole number")] {
            let error = #expect(throws: ManifestErrors.self) { try profile(bad) }
            #expect(error.map { "\($0)" } == "m.yaml:6: profiles[0].max_kernels: \(why)")
        }
    }
}

/// All of an image's rebuilds together are bounded by `--rebuild-budget`, whatever
/// `--rebuild-timeout` allows each one. (The watchdog that enforces a limit is proved by
/// `PatchFailureTests.hangingMkdumprdIsStoppedAtTheTimeLimit`.)
@Suite struct RebuildBudgetTests {
    @Test func eachRunGetsTheSmallerOfItsTimeoutAndTheRestOfTheBudget() {
        let start = ContinuousClock.Instant.now
        let limits = RebuildLimits(perRun: .seconds(900), budget: .seconds(3600), start: start)
        #expect(limits.limit(at: start) == .init(duration: .seconds(900), byBudget: false))
        #expect(limits.limit(at: start + .seconds(3000)) == .init(duration: .seconds(600), byBudget: true))
        #expect(limits.limit(at: start + .seconds(3000))?.description == "the rest of --rebuild-budget (600 s)")
        #expect(limits.limit(at: start + .seconds(100))?.description == "900 s")
        #expect(limits.limit(at: start + .seconds(3600)) == nil)
        #expect(limits.limit(at: start + .seconds(4000)) == nil)
    }
}
