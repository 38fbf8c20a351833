@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes what kdumpbake reads from a Debian/Ubuntu guest: /var/lib/dpkg/status, the package
/// versions in it, /etc/default/kdump-tools, kdump-config's default line and the grub.d drop-ins.
/// All of it is guest text: odd bytes must never trap, and what is reported must come from the text.
@Suite("kdump-tools files")
struct KdumpToolsFuzzTests {
    static let dpkgStatus = """
        Package: kdump-tools
        Status: install ok installed
        Priority: optional
        Version: 1:1.8.1

        Package: zstd
        Status: install ok installed
        Version: 1.5.4+dfsg2-5

        """
    static let defaults = """
        USE_KDUMP=1
        KDUMP_COREDIR="/var/crash"
        KDUMP_CMDLINE_APPEND="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"

        """
    static let script = "KDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:=\"reset_devices nr_cpus=1 ata_piix.prefer_ms_hyperv=0\"}\n"
    static let grubDropIn = "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M\"\n"

    static let corpus = Corpus(
        seeds: [Seed("dpkg status", dpkgStatus), Seed("kdump-tools defaults", defaults), Seed("kdump-config", script),
                Seed("grub.d", grubDropIn)],
        tokens: TextSeeds.shellTokens + ["Package: ", "Version: ", "Status: ", "install ok installed", ":", "~", "-", "+", "\n\n",
                                         "${GRUB_CMDLINE_LINUX}", "$GRUB_CMDLINE_LINUX_DEFAULT", ":=\""])

    @Test func debianFilesNeverTrapAndReportOnlyTheirOwnText() async {
        let release = KdumpToolsRelease.resolve(distro: "debian", distroVersion: DistroVersion(12), package: nil)
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.corpus.cases()) { fuzz in
            let text = fuzz.text
            // A version found in the status is one of the file's `Version:` values.
            if let version = DpkgStatus.installedVersion(of: "kdump-tools", in: text) {
                #expect(text.contains(version.upstream))
            }
            for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(50) {
                if let version = DebianPackageVersion(word) {
                    #expect(version == version && !(version < version))
                    #expect(DebianPackageVersion(version.description) == version)
                }
            }
            let defaults = KdumpToolsDefaults(text: text)
            let append = defaults.effectiveAppend(release, facts: GuestFacts(os: GuestOS(type: "linux", distro: "debian", version: DistroVersion(12), arch: "x86_64", productName: "", root: "")))
            // A set value is the file's own assignment (after the shell's quote removal), never a mix.
            #expect(append.isDefault || ShellAssignments.parse(text).value("KDUMP_CMDLINE_APPEND") == append.text)
            #expect(!append.isDefault || append.text == release.defaultCommandLineAppend(kdumpConfigScript: nil))
            if let literal = KdumpToolsRelease.scriptDefault(text) {
                #expect(text.contains(literal) && !literal.contains("$"))
            }
            let grub = GrubDefaults(files: [("/etc/default/grub.d/x.cfg", text)])
            #expect(grub.normalEntryCommandLine.parameters.count <= text.count)
        }
    }
}
