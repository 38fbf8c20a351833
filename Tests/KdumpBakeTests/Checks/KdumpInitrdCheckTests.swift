@testable import KdumpBake
import Testing

extension Checks {
    @Suite("kdump.initrd")
    struct KdumpInitrdPresenceTests {
        @Test func noKernels() {
            let finding = KdumpInitrdCheck.presence(Fixture.el6.kernels().context("el6-hyperv"))
            #expect(finding.check == "kdump.initrd")
            #expect(finding.status == .fail)
            #expect(finding.message == "no installed kernel found (a /boot/vmlinuz-KVER with /lib/modules/KVER)")
        }

        @Test func missingInitrdWarns() {
            let finding = KdumpInitrdCheck.presence(Fixture.el6.withoutInitrds().context("el6-hyperv"))
            #expect(finding.status == .warn)
            #expect(finding.message == "\(Fixture.el6Kernel): no \(Fixture.el6Initrd); the kdump service builds it at first boot, unverified")
        }

        @Test func missingIsWhatAnInvalidatingProfileWants() {
            let profile = Profiles.named("el6-hyperv") { $0.initrd = .invalidate }
            let finding = KdumpInitrdCheck.presence(Fixture.el6.withoutInitrds().context(profile))
            #expect(finding.status == .pass)
            #expect(finding.message == "\(Fixture.el6Kernel): none, as the profile wants (built at first boot)")
        }

        @Test func olderThanKdumpConfWarns() {
            let facts = Fixture.el6.file("/etc/kdump.conf", Fixture.el6KdumpConf, mtime: 5_000)
            let finding = KdumpInitrdCheck.presence(facts.context("el6-hyperv"))
            #expect(finding.status == .warn)
            #expect(finding.message.contains("\(Fixture.el6Initrd) is older than the kdump configuration"))
            #expect(finding.message.contains("rebuilds it at first boot"))
        }

        @Test func olderThanSysconfigWarns() {
            let facts = Fixture.el7.file("/etc/sysconfig/kdump", "KDUMP_COMMANDLINE_APPEND=\"irqpoll\"\n", mtime: 3_000)
            let finding = KdumpInitrdCheck.presence(facts.context("el7-azure"))
            #expect(finding.status == .warn)
            #expect(finding.message.contains("older"))
        }

        @Test func newerPasses() {
            let finding = KdumpInitrdCheck.presence(Fixture.el6.context("el6-hyperv"))
            #expect(finding.status == .pass)
            #expect(finding.message == "\(Fixture.el6Kernel): \(Fixture.el6Initrd)")
            #expect(finding.path == "/boot")
        }

        @Test func sameSecondCountsAsCurrent() {
            let facts = Fixture.el6.initrd(Fixture.el6Initrd, mtime: 1_000, modules: ["ata_piix"])
            #expect(KdumpInitrdCheck.presence(facts.context("el6-hyperv")).status == .pass)
        }

        @Test func familyDecidesTheFileName() {
            // An el7-style name on an el6 guest is not its kdump initrd, and vice versa.
            let el6 = Fixture.el6.withoutInitrds().initrd("/boot/initramfs-\(Fixture.el6Kernel)kdump.img", modules: [])
            let el6Finding = KdumpInitrdCheck.presence(el6.context("el6-hyperv"))
            #expect(el6Finding.status == .warn)
            #expect(el6Finding.message.contains("no /boot/initrd-\(Fixture.el6Kernel)kdump.img"))

            let el7 = Fixture.el7.withoutInitrds().initrd("/boot/initrd-\(Fixture.el7Kernel)kdump.img", modules: [])
            let el7Finding = KdumpInitrdCheck.presence(el7.context("el7-azure"))
            #expect(el7Finding.status == .warn)
            #expect(el7Finding.message.contains("no /boot/initramfs-\(Fixture.el7Kernel)kdump.img"))

            let el7Good = KdumpInitrdCheck.presence(Fixture.el7.context("el7-azure"))
            #expect(el7Good.status == .pass)
            #expect(el7Good.message == "\(Fixture.el7Kernel): /boot/initramfs-\(Fixture.el7Kernel)kdump.img")
        }

        @Test func everyKernelIsCoveredByDefault() {
            let older = "3.10.0-1127.el7.x86_64"
            let facts = Fixture.el7.kernels(older, Fixture.el7Kernel)
            let finding = KdumpInitrdCheck.presence(facts.context("el7-azure"))
            #expect(finding.status == .warn)
            #expect(finding.message == "\(older): no /boot/initramfs-\(older)kdump.img; the kdump service builds it at first boot, unverified")
        }

        @Test func defaultKernelSelectionFollowsTheBootLoader() {
            let older = "3.10.0-1127.el7.x86_64"
            let profile = Profiles.named("el7-azure") { $0.kernels = .default }
            let finding = KdumpInitrdCheck.presence(Fixture.el7.kernels(older, Fixture.el7Kernel).context(profile))
            #expect(finding.status == .pass)
            #expect(!finding.message.contains(older))
        }
    }

    @Suite("kdump.initrd_modules")
    struct KdumpInitrdModulesTests {
        func el6(_ modules: [String], profile: String = "el6-hyperv") -> Finding {
            KdumpInitrdCheck.modules(Fixture.el6.initrd(Fixture.el6Initrd, modules: modules).context(profile))
        }

        @Test func el6Compliant() {
            let finding = el6(["ata_piix", "sr_mod", "sd_mod", "ext4"])
            #expect(finding.check == "kdump.initrd_modules")
            #expect(finding.status == .pass)
            #expect(finding.message == "kdump initrd modules as required for \(Fixture.el6Kernel)")
            #expect(finding.actual == "ata_piix ext4 sd_mod sr_mod")
        }

        @Test func el6BlacklistedModulePresent() {
            let finding = el6(["ata_piix", "sr_mod", "sd_mod", "hv_vmbus", "hv_storvsc"])
            #expect(finding.status == .fail)
            #expect(finding.message == "\(Fixture.el6Initrd) contains blacklisted hv_vmbus hv_storvsc")
        }

        @Test func el6RequiredModuleMissing() {
            let finding = el6(["sr_mod", "sd_mod"])
            #expect(finding.status == .fail)
            #expect(finding.message == "\(Fixture.el6Initrd) lacks ata_piix")
        }

        @Test func el6ComparesExactFileNames() {
            // el6 module files keep their dash (hid-hyperv.ko); names are compared as written.
            let dash = el6(["ata_piix", "sr_mod", "sd_mod", "hid-hyperv"])
            #expect(dash.status == .fail)
            #expect(dash.message.contains("contains blacklisted hid-hyperv"))

            let underscore = el6(["ata_piix", "sr_mod", "sd_mod", "hid_hyperv"])
            #expect(underscore.status == .pass)

            let dashedRequired = el6(["ata-piix", "sr_mod", "sd_mod"])
            #expect(dashedRequired.status == .fail)
            #expect(dashedRequired.message.contains("lacks ata_piix"))
        }

        @Test func el6Pre63HasOnlyABlacklist() {
            let finding = el6(["ata_piix", "ide_core"], profile: "el6-pre63-hyperv")
            #expect(finding.status == .pass)
            #expect(finding.expected == "lacks hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv")
        }

        @Test func el7NormalisesDashes() {
            let facts = Fixture.el7.initrd(Fixture.el7Initrd, modules: ["hv-vmbus", "hv_storvsc", "sd_mod"])
            let finding = KdumpInitrdCheck.modules(facts.context("el7-azure"))
            #expect(finding.status == .pass)
        }

        @Test func el7AzureNeedsTheHypervDrivers() {
            let facts = Fixture.el7.initrd(Fixture.el7Initrd, modules: ["ata_piix", "sd_mod"])
            let finding = KdumpInitrdCheck.modules(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message == "\(Fixture.el7Initrd) lacks hv_vmbus hv_storvsc")
        }

        @Test func el7LegacyBlacklistNormalised() {
            let facts = Fixture.el7.initrd(Fixture.el7Initrd, modules: ["ata_piix", "sr_mod", "sd_mod", "hid_hyperv", "hyperv-fb"])
            let finding = KdumpInitrdCheck.modules(facts.context("el7-legacy-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message == "\(Fixture.el7Initrd) contains blacklisted hid-hyperv hyperv_fb")
        }

        @Test func listingFailureWarnsWithTheReason() {
            let facts = Fixture.el7.initrd(Fixture.el7Initrd, failure: "unsupported compression (magic 28 b5 2f fd)")
            let finding = KdumpInitrdCheck.modules(facts.context("el7-azure"))
            #expect(finding.status == .warn)
            #expect(finding.message == "\(Fixture.el7Initrd): cannot list modules (unsupported compression (magic 28 b5 2f fd))")
        }

        @Test func noInitrdIsSkipped() {
            let finding = KdumpInitrdCheck.modules(Fixture.el6.withoutInitrds().context("el6-hyperv"))
            #expect(finding.status == .skip)
            #expect(finding.message == "no kdump initrd to inspect yet (see kdump.initrd)")
        }

        @Test func profileWithoutModuleRequirementsIsSkipped() {
            let profile = Profiles.named("el7-azure") { $0.values.addDrivers = [] }
            let finding = KdumpInitrdCheck.modules(Fixture.el7.context(profile))
            #expect(finding.status == .skip)
            #expect(finding.message == "the profile requires no initrd modules")
        }

        @Test func oneBadKernelOfTwoFails() {
            let older = "3.10.0-1127.el7.x86_64"
            let olderInitrd = "/boot/initramfs-\(older)kdump.img"
            let facts = Fixture.el7.kernels(older, Fixture.el7Kernel).initrd(olderInitrd, modules: ["sd_mod"])
            let finding = KdumpInitrdCheck.modules(facts.context("el7-azure"))
            #expect(finding.status == .fail)
            #expect(finding.message == "\(olderInitrd) lacks hv_vmbus hv_storvsc")
        }
    }
}
