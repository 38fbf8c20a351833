@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes what the release model reads from guest bytes: the el6 capture `/init` (insmod lines),
/// rpm header records in a database file, and sysconfig values that become paths and argv.
@Suite("release inputs")
struct ReleaseFuzzTests {
    static let initCorpus = Corpus(
        seeds: [Seed("el6 init", "#!/bin/msh\ninsmod /lib/modules/2.6.32-358.el6.x86_64/ata_piix.ko prefer_ms_hyperv=0\ninsmod /lib/modules/K/sd_mod.ko\n")],
        tokens: ["insmod ", ".ko", ".ko.xz", "/lib/modules/", " ", "\t", "\n", "#", "=", "hid-hyperv", "hid_hyperv"])
    static let rpmCorpus = Corpus(
        seeds: [Seed("el6 header", "C\u{0}kexec-tools\u{0}2.0.0\u{0}258.el6\u{0}summary\u{0}"), Seed("el7 header", "\u{0}kexec-tools\u{0}2.0.15\u{0}33.el7\u{0}")],
        tokens: ["\u{0}", "kexec-tools", "2.0.0", ".", "258", "el6", "-", "9999999999"])

    /// Every insmod line found names a module and sits on a real line of the text; lookups by
    /// either spelling agree.
    @Test func initScriptLoadsAreOnTheirLines() async {
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.initCorpus.cases()) { fuzz in
            let script = El6InitScript(fuzz.text)
            let lines = Invariants.physicalLines(fuzz.text)
            #expect(script.loads.allSatisfy { !$0.module.isEmpty && $0.line >= 1 && $0.line <= lines.count })
            for load in script.loads {
                #expect(script.load(of: InitrdReader.normalizedModuleName(load.module)) != nil)
            }
        }
    }

    /// Versions found are well-formed and re-parse to themselves; nothing traps on truncated records.
    @Test func rpmScanFindsOnlyWellFormedVersions() async {
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.rpmCorpus.cases()) { fuzz in
            for version in RpmHeaderScan.versions(of: "kexec-tools", in: fuzz.bytes) {
                #expect(KexecToolsVersion(parsing: version.description) == version)
            }
        }
    }

    /// Whatever KDUMP_BOOTDIR/KDUMP_KERNELVER say, the initrd path stays an absolute path without
    /// `..` and the kernel version is the last argv word, unsplit.
    @Test func sysconfigNeverEscapesTheBootDirectory() async {
        let corpus = Corpus(seeds: [Seed("sysconfig", "KDUMP_BOOTDIR=\"/boot\"\nKDUMP_KERNELVER=\"\"\nMKDUMPRD_ARGS=\"--a 'b c'\"\n")],
                            tokens: ["..", "/", "$(id)", "`id`", "\"", "'", " ", "\n", "KDUMP_BOOTDIR=", "KDUMP_KERNELVER="])
        await propertyCheck(count: FuzzBudget.cases(1000), input: corpus.cases()) { fuzz in
            let sysconfig = KdumpSysconfig(text: fuzz.text)
            let release = KexecToolsRelease.resolve(family: .el6, distroVersion: DistroVersion(6, 4), package: nil)
            let path = release.initrdPath(kernel: "K", sysconfig: sysconfig)
            #expect(path.hasPrefix("/") && !path.split(separator: "/").contains(".."))
            let argv = release.mkdumprdArguments(mkdumprd: "/sbin/mkdumprd", image: path, kernel: "K", sysconfig: sysconfig)
            #expect(argv.last == "K" && argv[argv.count - 2] == path && argv.prefix(4) == ["/sbin/mkdumprd", "-d", "-f", "--allow-missing"])
        }
    }
}
