@testable import KdumpBakeCore
import TestImages
import Testing

/// boot.crashkernel and kdump.config on RHEL 8/9/10: what each release's kernel and kdumpctl do
/// with the values (reference L46–47, L55–76, L84–86).
@Suite struct El8CrashkernelCheckTests {
    typealias Guest = BootLoaderSpecCrashkernelTests

    @Test("L55–61: crashkernel=auto fails on RHEL 9 with the reason")
    func autoFailsOnEl9() {
        let facts = Guest.el9(options: "root=UUID=abc ro crashkernel=auto", kernelCmdline: "root=UUID=abc ro crashkernel=1G\n")
            .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "crashkernel=1G"))
        let finding = CrashkernelCheck.run(facts.context("el8-azure"))
        #expect(finding.status == .fail)
        #expect(finding.message == "the default kernel (\(Guest.el9Kernel)) boots with crashkernel=auto: RHEL 9 kernels do not honour crashkernel=auto (only RHEL 8 and older do): nothing is reserved and kdump never arms; use the release's default 1G-4G:192M,4G-64G:256M,64G-:512M (kdumpctl get-default-crashkernel)")
    }

    @Test("L55: crashkernel=auto is fine on RHEL 8")
    func autoPassesOnEl8() {
        let facts = Guest.el8(kernelopts: "root=/dev/mapper/rhel-root ro crashkernel=auto")
            .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "crashkernel=auto"))
        #expect(CrashkernelCheck.run(facts.context("el8-azure")).status == .pass)
    }

    @Test("L84–86: /etc/kernel/cmdline without crashkernel= (or with auto on 9+) fails: later kernels inherit it")
    func kernelCmdlineIsChecked() {
        let options = "root=UUID=abc ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M"
        let grub = Fixture.defaultGrub(cmdline: "crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M")
        let lacking = Guest.el9(options: options, kernelCmdline: "root=UUID=abc ro\n").file("/etc/default/grub", grub)
        let finding = CrashkernelCheck.run(lacking.context("el8-azure"))
        #expect(finding.status == .fail)
        #expect(finding.message == "/etc/kernel/cmdline lacks crashkernel=: a kernel installed later drops it")
        let auto = Guest.el9(options: options, kernelCmdline: "root=UUID=abc ro crashkernel=auto\n").file("/etc/default/grub", grub)
        #expect(CrashkernelCheck.run(auto.context("el8-azure")).message.hasPrefix("/etc/kernel/cmdline has crashkernel=auto: RHEL 9 kernels do not honour"))
        let good = Guest.el9(options: options, kernelCmdline: "root=UUID=abc ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M\n").file("/etc/default/grub", grub)
        #expect(CrashkernelCheck.run(good.context("el8-azure")).status == .pass)
    }

    @Test("L72–76: a custom size on 9.3+ without auto_reset_crashkernel no is a warning; not on 9.2 or 8")
    func customSizeWarnsOn93() {
        func guest(_ version: DistroVersion, conf: String = "path /var/crash\n") -> FactsBuilder {
            Guest.el9(options: "root=UUID=abc ro crashkernel=512M", version: version, kernelCmdline: "root=UUID=abc ro crashkernel=512M\n")
                .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "crashkernel=512M"))
                .file("/etc/kdump.conf", conf)
        }
        let finding = CrashkernelCheck.run(guest(DistroVersion(9, 3)).context("el8-azure"))
        #expect(finding.status == .warn)
        #expect(finding.message == "crashkernel=512M is not this release's default (1G-4G:192M,4G-64G:256M,64G-:512M): RHEL 9.3+ resets it to the default at the next kexec-tools/kdump-utils update or kernel installation unless /etc/kdump.conf says 'auto_reset_crashkernel no'")
        #expect(CrashkernelCheck.run(guest(DistroVersion(9, 3), conf: "auto_reset_crashkernel no\n").context("el8-azure")).status == .pass)
        #expect(CrashkernelCheck.run(guest(DistroVersion(9, 2)).context("el8-azure")).status == .pass)
        #expect(CrashkernelCheck.run(guest(DistroVersion(10, 0)).context("el8-azure")).status == .warn)
    }

    @Test("L120, L145–146: kdump.config requires force_no_rebuild 1 and, for a custom size on 9.3+, auto_reset_crashkernel no")
    func configRequiresProfileDirectives() {
        let conf = Fixture.el8AzureKdumpConf.replacingOccurrences(of: "force_no_rebuild 1\n", with: "")
        let finding = KdumpConfigCheck.run(Fixture.el8.file("/etc/kdump.conf", conf).context("el8-azure"))
        #expect(finding.status == .fail)
        #expect(finding.message == "no 'force_no_rebuild 1' directive: the kdump service would replace the verified initrd at its first start")

        let custom = Profiles.named("el8-azure") { $0.values.crashkernel = "512M" }
        let on93 = FactsBuilder(distro: "rhel", version: DistroVersion(9, 3)).file("/etc/kdump.conf", Fixture.el8AzureKdumpConf)
        let missing = KdumpConfigCheck.run(on93.context(custom))
        #expect(missing.message == "no 'auto_reset_crashkernel no' directive: this release resets crashkernel=512M to its default 1G-4G:192M,4G-64G:256M,64G-:512M at the next update or kernel installation")
        #expect(KdumpConfigCheck.run(on93.file("/etc/kdump.conf", Fixture.el8AzureKdumpConf + "auto_reset_crashkernel no\n").context(custom)).status == .pass)
        // On 8.x the same directive would be fatal, so it is never asked for.
        #expect(KdumpConfigCheck.run(Fixture.el8.context(custom)).status == .pass)
    }
}
