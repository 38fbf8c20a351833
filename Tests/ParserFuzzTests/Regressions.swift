import DefaultTemplates
@testable import KdumpBakeCore
import Testing

/// Every input the fuzz properties ever crashed or failed on, spelled out and replayed on each
/// run, so a fixed parser stays fixed even when the random cases no longer happen to hit it.
///
/// To add one: a failing property prints its case as `seed …, mutations […], N bytes: "…"`
/// (already shrunk by PropertyBased) and the seed to rerun it with `.fixedSeed(…)`. Minimise
/// the bytes further by hand, paste them here as a literal with what the parser must do
/// instead, then fix the parser. A trap prints no case (the process dies): rerun the property
/// under `KDUMPBAKE_FUZZ_ITERATIONS` with the backtrace's parser in mind, or build the input
/// from the backtrace, as for the first entry below.
///
/// The last test replays the unmutated seeds, pinning what the fuzzing starts from: a seed
/// that no longer parses would quietly turn every mutation property into a test of the first
/// error path.
@Suite("regressions")
struct Regressions {
    /// Found by `versionRangesAtTheEdges`: a bare major version of Int.max made
    /// `VersionRange(parsing:)` compute `major + 1` for its "< next release" bound and trap,
    /// from a one-line user manifest. Fixed in VersionRange.swift: the bound is dropped when it
    /// does not exist, which leaves the same set of versions.
    @Test func bareMajorVersionAtIntMax() throws {
        let range = try #require(VersionRange(parsing: "9223372036854775807"))
        #expect(range.contains(DistroVersion(.max, 0)) && range.contains(DistroVersion(.max, .max)))
        #expect(!range.contains(DistroVersion(.max - 1, .max)))
        #expect(VersionRange(parsing: ">=7, 9223372036854775807")?.contains(DistroVersion(.max, 3)) == true)
        #expect(VersionRange(parsing: "9223372036854775806")?.contains(DistroVersion(.max, 0)) == false)

        let manifest = try Manifest.parse("""
            version: 1
            profiles:
              - name: future
                family: el8
                match: {distro: [rhel], versions: "9223372036854775807"}
            """, file: "regression.yaml")
        #expect(manifest.profile(forDistro: "rhel", version: DistroVersion(.max, 1), arch: "x86_64")?.name == "future")
        #expect(manifest.profile(forDistro: "rhel", version: DistroVersion(9, 1), arch: "x86_64") == nil)
    }

    /// Found by `managedBlockConvergesAndKeepsTheRest` (minimised from 586 bytes of noise): a
    /// file whose only line lacks a newline and ends in CR, such as `"\r"`. `apply` appends
    /// `"\n"` to that line, which turns it into a CRLF line, but chose the block's line ends
    /// before that (LF: no terminated line to copy). The next `apply` sees a CRLF-only file and
    /// rewrites the block with CRLF, so the file never converged and `isApplied` was never true.
    /// Fixed in `ManagedBlock.apply`: the unterminated last line counts in the choice.
    @Test func loneCarriageReturnLineConverges() throws {
        for file in ["\r", "kernel.sysrq = 1\r", "a\r\nb\r"] {
            let block = PatchTextFuzzTests.blocks[0]
            let once = try block.apply(to: Array(file.utf8))
            #expect(try block.apply(to: once) == once, "\(SwiftLiteral.string(file))")
        }
    }

    /// Every seed, unmutated, gives the answer a sound file of its kind must give.
    @Test func seedsReplay() throws {
        // Text formats.
        #expect(KdumpConf.parse(TextSeeds.kdumpConfEl7).last("path")?.arguments == "/var/crash#1")
        #expect(KdumpConf.parse(TextSeeds.kdumpConfEl7).dracutAddDrivers() == ["hv_vmbus", "hv_storvsc", "ata_piix,sd_mod"])
        let el75 = KexecToolsRelease.resolve(family: .el7, distroVersion: DistroVersion(7, 5), package: nil)
        #expect(el75.configProblems(TextSeeds.kdumpConfEl6).filter { $0.contains("Deprecated kdump config option") }.count == 3)
        #expect(SysctlConf.parse(TextSeeds.sysctlEl6, file: "s").last?.key == "kernel.panic")
        #expect(SysctlConf.parse(TextSeeds.sysctlD, file: "s").map(\.key)
                == ["kernel.panic_on_oops", "kernel.panic", "net.ipv4.conf.eth0/100.forwarding", "vm.swappiness", "kernel.panic"])
        let sysconfig = ShellAssignments.parse(TextSeeds.sysconfigKdump)
        #expect(sysconfig.value("MULTI") == "first line\nsecond line" && sysconfig.value("ESCAPED") == "a b\"c")
        #expect(sysconfig["KDUMP_COMMANDLINE_APPEND"]?.hasExpansion == true)
        #expect(ShellAssignments.parse(TextSeeds.defaultGrub).value("GRUB_CMDLINE_LINUX") == "crashkernel=auto rd.lvm.lv=centos/root rhgb quiet")
        #expect(KernelCommandLine(TextSeeds.commandLines[1]).driverBlacklist() == ["hv_vmbus", "hv_storvsc", "hid-hyperv"])
        #expect(KernelCommandLine(TextSeeds.commandLines[1]).initArguments == ["single"])

        // Boot loaders.
        let legacy = GrubLegacyConf.parse(TextSeeds.grubLegacy)
        #expect(legacy.defaultEntry?.commandLine.values(of: "crashkernel") == ["auto"])
        #expect(legacy.entries.count == 3)
        let grub2 = Grub2Config.parse(TextSeeds.grub2)
        let env = GrubEnv.parse(TextSeeds.grubEnv)
        #expect(env.savedEntry == "rhel-20211027-4.18.0-348.el8.x86_64" && env["escaped"] == "a\\b\nc")
        #expect(grub2.usesBlscfg && grub2.entries.map(\.position) == [[0], [1, 0]])
        #expect(grub2.defaultEntry(env: GrubEnv(variables: ["saved_entry": "adv>old"]))?.commandLineText == "root=/dev/sda2 $kernelopts")
        let bls = BootLoaderSpecEntry.parse(TextSeeds.blsEntry, fileName: "rhel-20211027-4.18.0-348.el8.x86_64.conf")
        #expect(bls.commandLine(env: env).values(of: "crashkernel") == ["auto", "auto"])
        #expect(BootLoaderSpec.defaultEntry([bls], env: env) == bls)

        // Binary formats.
        for seed in NewcArchive.seeds {
            #expect(try !CpioArchive.read(seed.bytes).entries.isEmpty, "\(seed.name)")
        }
        #expect(try InitrdReader.fileList(NewcArchive.seeds[1].bytes).segments.count == 2)
        #expect(try InitrdReader.fileList(NewcArchive.seeds[0].bytes).modules == ["hv_vmbus", "hid-hyperv"])
        let image = DynamicVHD.image(fromSeed: DynamicVHD.seed())
        let footer = try VHDFooter(Array(image.suffix(VHDFooter.size)))
        #expect(footer.checksumIsValid && footer.diskType == .dynamic)
        #expect(VHDDynamicLayout.problems(footer: footer, fileSize: UInt64(image.count)) { offset, count in
            Array(image[Int(offset)..<Int(offset) + count])
        } == [])
        #expect(try VHDFooter(VHDFooterFields().bytes()).diskType == .fixed)

        // User input and edits.
        #expect(try Manifest.parse(ManifestFuzzTests.builtinText, file: "m").profiles.count >= 5)
        #expect(try Manifest.parse(ManifestFuzzTests.flowManifest, file: "m").profiles.first?.kernels == .default)
        for (block, seed) in zip(PatchTextFuzzTests.blocks, PatchTextFuzzTests.corpus.seeds) {
            let edited = try block.apply(to: seed.bytes)
            #expect(edited != seed.bytes && block.isApplied(in: edited), "\(seed.name)")
            var applier = UnifiedDiffApplier()
            #expect(applier.apply(UnifiedDiff.render(old: seed.bytes, new: edited, oldLabel: "a", newLabel: "b"), to: seed.bytes) == edited)
        }
    }
}
