@testable import KdumpBakeCore
import Testing

extension Checks {
    @Suite("boot.crashkernel")
    struct CrashkernelCheckTests {
        static let otherKernel = "2.6.32-431.el6.x86_64"

        @Test func el6DefaultEntryWithCrashkernel() {
            let finding = CrashkernelCheck.run(Fixture.el6.context("el6-hyperv"))
            #expect(finding.check.rawValue == "boot.crashkernel")
            #expect(finding.status == .pass)
            #expect(finding.message == "the default kernel (\(Fixture.el6Kernel)) boots with crashkernel=auto")
            #expect(finding.path == "/boot/grub/grub.conf")
            #expect(finding.actual == "crashkernel=auto")
        }

        @Test func el6WithoutCrashkernel() {
            let facts = Fixture.el6.file("/boot/grub/grub.conf", Fixture.grubConf([(Fixture.el6Kernel, "rhgb quiet")]))
            let finding = CrashkernelCheck.run(facts.context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("the default kernel (\(Fixture.el6Kernel)) boots without crashkernel="))
            #expect(finding.message.contains("kdump cannot load"))
            #expect(finding.actual == "none")
        }

        @Test func el6DefaultPicksTheEntry() {
            let entries = [(Self.otherKernel, "rhgb quiet"), (Fixture.el6Kernel, "crashkernel=128M rhgb quiet")]
            let second = CrashkernelCheck.run(Fixture.el6.file("/boot/grub/grub.conf", Fixture.grubConf(entries, default: 1)).context("el6-hyperv"))
            #expect(second.status == .pass)
            #expect(second.message == "the default kernel (\(Fixture.el6Kernel)) boots with crashkernel=128M")

            let first = CrashkernelCheck.run(Fixture.el6.file("/boot/grub/grub.conf", Fixture.grubConf(entries, default: 0)).context("el6-hyperv"))
            #expect(first.status == .fail)
            #expect(first.message.contains("(\(Self.otherKernel)) boots without crashkernel="))
        }

        @Test func el6MenuLstIsReadToo() {
            let facts = Fixture.el6.without("/boot/grub/grub.conf")
                .file("/boot/grub/menu.lst", Fixture.grubConf([(Fixture.el6Kernel, "crashkernel=auto")]))
            let finding = CrashkernelCheck.run(facts.context("el6-hyperv"))
            #expect(finding.status == .pass)
            #expect(finding.path == "/boot/grub/menu.lst")
        }

        @Test func specificValueRequired() {
            let profile = Profiles.named("el6-hyperv") { $0.values.crashkernel = "256M" }
            let finding = CrashkernelCheck.run(Fixture.el6.context(profile))
            #expect(finding.status == .fail)
            #expect(finding.message == "the default kernel (\(Fixture.el6Kernel)) boots with crashkernel=auto, expected crashkernel=256M")
            #expect(finding.expected == "crashkernel=256M")
        }

        @Test func el7GrubCfgAndDefaultGrubAgree() {
            let finding = CrashkernelCheck.run(Fixture.el7.context("el7-azure"))
            #expect(finding.status == .pass)
            #expect(finding.message == "the default kernel (\(Fixture.el7Kernel)) boots with crashkernel=auto")
            #expect(finding.path == "/boot/grub2/grub.cfg")
        }

        @Test func el7DefaultGrubLackingCrashkernel() {
            let facts = Fixture.el7.file("/etc/default/grub", Fixture.defaultGrub(cmdline: "console=ttyS0 earlyprintk=ttyS0"))
            let finding = CrashkernelCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message == "/etc/default/grub GRUB_CMDLINE_LINUX lacks crashkernel=: the next grub2-mkconfig drops it")
        }

        @Test func el7GeneratedConfigLackingCrashkernel() {
            // Azure's prep guides remove crashkernel=auto: the audit says so plainly.
            let facts = Fixture.el7
                .file("/boot/grub2/grub.cfg", Fixture.grubCfg(arguments: "console=ttyS0"))
                .file("/etc/default/grub", Fixture.defaultGrub(cmdline: "console=ttyS0"))
            let finding = CrashkernelCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("(\(Fixture.el7Kernel)) boots without crashkernel="))
            #expect(finding.message.contains("grub2-mkconfig"))
        }

        @Test func el7SavedEntryChoosesTheKernel() {
            // saved_entry names the rescue entry, which has no crashkernel=.
            let facts = Fixture.el7.file("/boot/grub2/grubenv", Fixture.grubEnv(["saved_entry=gnulinux-0-rescue-abc-advanced-1234"]))
            let finding = CrashkernelCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("(0-rescue-abc) boots without crashkernel="))
        }

        @Test func el7EfiGrubCfg() {
            let facts = Fixture.el7.without("/boot/grub2/grub.cfg")
                .file("/boot/efi/EFI/centos/grub.cfg", Fixture.grubCfg(arguments: "crashkernel=auto"))
            let finding = CrashkernelCheck.run(facts.context("el7-azure"))
            #expect(finding.status == .pass)
            #expect(finding.path == "/boot/efi/EFI/centos/grub.cfg")
        }

        @Test func el8BlsEntryWithKerneloptsFromGrubenv() {
            let finding = CrashkernelCheck.run(Fixture.el8.context("el8-azure"))
            #expect(finding.status == .pass)
            #expect(finding.message == "the default kernel (\(Fixture.el8Kernel)) boots with crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M")
            #expect(finding.path == "/boot/loader/entries")
        }

        @Test func el8KerneloptsWithoutCrashkernel() {
            let facts = Fixture.el8.file("/boot/grub2/grubenv", Fixture.grubEnv([
                "saved_entry=\(Fixture.blsMachineID)-\(Fixture.el8Kernel)",
                "kernelopts=root=/dev/mapper/rl-root ro console=ttyS0",
            ]))
            let finding = CrashkernelCheck.run(facts.context("el8-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("(\(Fixture.el8Kernel)) boots without crashkernel="))
        }

        @Test func noBootConfiguration() {
            let facts = Fixture.el6.without("/boot/grub/grub.conf")
            let finding = CrashkernelCheck.run(facts.context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message == "no boot loader configuration with a default kernel was found")
            #expect(finding.expected == "crashkernel=any")

            let el7 = Fixture.el7.without("/boot/grub2/grub.cfg")
            #expect(CrashkernelCheck.run(el7.context("el7-azure")).status == .fail)
        }

        @Test func defaultPointingNowhere() {
            let facts = Fixture.el6.file("/boot/grub/grub.conf", Fixture.grubConf([(Fixture.el6Kernel, "crashkernel=auto")], default: 3))
            let finding = CrashkernelCheck.run(facts.context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("no boot loader configuration with a default kernel"))
        }

        @Test func skippedWithoutRequirement() {
            let profile = Profiles.named("el6-hyperv") { $0.values.crashkernel = nil }
            #expect(CrashkernelCheck.run(Fixture.el6.context(profile)).status == .skip)
        }
    }

    @Suite("kdump.enabled")
    struct KdumpServiceCheckTests {
        @Test func el6BothRunlevels() {
            let finding = KdumpServiceCheck.run(Fixture.el6.context("el6-hyperv"))
            #expect(finding.check.rawValue == "kdump.enabled")
            #expect(finding.status == .pass)
            #expect(finding.message == "kdump starts in runlevels 3 and 5")
        }

        @Test func el6OneRunlevelMissing() {
            let finding = KdumpServiceCheck.run(Fixture.el6.serviceLinks("/etc/rc.d/rc3.d/S26kdump").context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("kdump is not enabled in runlevel 5 "))
            #expect(finding.message.contains("chkconfig kdump on"))
            #expect(finding.actual == "/etc/rc.d/rc3.d/S26kdump")

            let onlyFive = KdumpServiceCheck.run(Fixture.el6.serviceLinks("/etc/rc.d/rc5.d/S26kdump").context("el6-hyperv"))
            #expect(onlyFive.message.contains("runlevel 3 "))
        }

        @Test func el6NoLinks() {
            let finding = KdumpServiceCheck.run(Fixture.el6.serviceLinks().context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message.contains("runlevel 3 and 5"))
            #expect(finding.actual == "none")
        }

        @Test func el6IgnoresTheSystemdLink() {
            let facts = Fixture.el6.serviceLinks("/etc/systemd/system/multi-user.target.wants/kdump.service")
            #expect(KdumpServiceCheck.run(facts.context("el6-hyperv")).status == .fail)
        }

        @Test func el7WantsLink() {
            let enabled = KdumpServiceCheck.run(Fixture.el7.context("el7-azure"))
            #expect(enabled.status == .pass)
            #expect(enabled.message == "kdump.service is enabled (multi-user.target)")

            let disabled = KdumpServiceCheck.run(Fixture.el7.serviceLinks().context("el7-azure"))
            #expect(disabled.status == .fail)
            #expect(disabled.message == "kdump.service is not enabled (no /etc/systemd/system/multi-user.target.wants/kdump.service; systemctl enable kdump)")
        }

        @Test func el8WantsLink() {
            #expect(KdumpServiceCheck.run(Fixture.el8.context("el8-azure")).status == .pass)
            // SysV links mean nothing to systemd guests.
            let facts = Fixture.el8.serviceLinks("/etc/rc.d/rc3.d/S26kdump", "/etc/rc.d/rc5.d/S26kdump")
            #expect(KdumpServiceCheck.run(facts.context("el8-azure")).status == .fail)
        }

        @Test func skippedWhenNotRequired() {
            let profile = Profiles.named("el7-azure") { $0.values.enableService = nil }
            #expect(KdumpServiceCheck.run(Fixture.el7.serviceLinks().context(profile)).status == .skip)
        }
    }
}
