@testable import KdumpBakeCore
import Testing

extension Checks {
    @Suite("kdump.initrd")
    struct KdumpInitrdPresenceTests {
        @Test func noKernels() {
            let finding = KdumpInitrdCheck.presence(Fixture.el6.kernels().context("el6-hyperv"))
            #expect(finding.check.rawValue == "kdump.initrd")
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
            #expect(finding.message.contains("\(Fixture.el6Initrd) is older than /etc/kdump.conf"))
            #expect(finding.message.contains("rebuilds it at first boot"))
        }

        @Test func sysconfigIsNeverARebuildTrigger() {
            // Neither el6's init script nor el7's kdumpctl compares /etc/sysconfig/kdump's age.
            let facts = Fixture.el7.file("/etc/sysconfig/kdump", "KDUMP_COMMANDLINE_APPEND=\"irqpoll\"\n", mtime: 3_000)
            let finding = KdumpInitrdCheck.presence(facts.context("el7-azure"))
            #expect(finding.status == .pass)
            #expect(finding.firstBoot?.first?.rebuilt == false)
        }

        @Test func olderThanFstabOrKernelWarnsOnEl7() {
            let fstab = KdumpInitrdCheck.presence(Fixture.el7.mtime("/etc/fstab", 3_000).context("el7-azure"))
            #expect(fstab.status == .warn)
            #expect(fstab.message.contains("is older than /etc/fstab"))
            let kernel = KdumpInitrdCheck.presence(Fixture.el6.mtime("/boot/vmlinuz-\(Fixture.el6Kernel)", 3_000).context("el6-hyperv"))
            #expect(kernel.message.contains("is older than /boot/vmlinuz-\(Fixture.el6Kernel)"))
            // /etc/fstab is not an el6 trigger.
            #expect(KdumpInitrdCheck.presence(Fixture.el6.mtime("/etc/fstab", 3_000).context("el6-hyperv")).status == .pass)
        }

        @Test func firstBootRebuildIsReportedPerKernelNotFailed() {
            // KB2858695's el6 block has extra_modules: the el6 service rebuilds at every start.
            let finding = KdumpInitrdCheck.presence(Fixture.el6.context("el6-hyperv"))
            #expect(finding.status == .pass)
            #expect(finding.message.contains("verified offline; the kdump service rebuilds it at first boot with the same kdump.conf: extra_modules is set (line"))
            #expect(finding.firstBoot == [FirstBootRebuild(kernel: Fixture.el6Kernel, initrd: Fixture.el6Initrd, rebuilt: true,
                                                           reasons: [finding.firstBoot![0].reasons[0]])])
            #expect(finding.firstBoot![0].reasons[0].hasPrefix("extra_modules is set (line"))
        }

        @Test func newerPasses() {
            let finding = KdumpInitrdCheck.presence(Fixture.el6.context("el6-hyperv"))
            #expect(finding.status == .pass)
            #expect(finding.message.hasPrefix("\(Fixture.el6Kernel): \(Fixture.el6Initrd) (verified offline"))
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
            #expect(el7Good.message == "\(Fixture.el7Kernel): /boot/initramfs-\(Fixture.el7Kernel)kdump.img (kept by the kdump service at first boot)")
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
        /// An el6 initrd as the real mkdumprd leaves it: every module file copied flat, blacklisted
        /// ones included, and an /init whose insmod lines are what the capture kernel loads.
        func el6(files modules: [String], init script: String, profile: String = "el6-hyperv") -> Finding {
            let facts = Fixture.el6.initrd(Fixture.el6Initrd, modules: modules, files: ["init": script])
            return KdumpInitrdCheck.modules(facts.context(profile))
        }

        static let realEl6Modules = ["ata_piix", "sr_mod", "cdrom", "sd_mod", "virtio_scsi", "hv_vmbus", "hv_storvsc", "hv_utils", "hv_netvsc", "hid-hyperv"]
        static func insmod(_ module: String, _ options: String = "") -> String {
            "insmod /lib/modules/\(Fixture.el6Kernel)/\(module).ko" + (options.isEmpty ? "" : " " + options)
        }
        static let goodInit = """
            #!/bin/msh
            \(insmod("cdrom"))
            \(insmod("sr_mod"))
            \(insmod("ata_piix", "prefer_ms_hyperv=0"))
            \(insmod("sd_mod"))
            \(insmod("virtio_scsi"))
            echo Waiting up to 100 seconds for critical disks
            """

        @Test func el6BlacklistedFilesPresentButNeverLoadedPass() {
            let finding = el6(files: Self.realEl6Modules, init: Self.goodInit)
            #expect(finding.check.rawValue == "kdump.initrd_modules")
            #expect(finding.status == .pass)
            #expect(finding.message.contains("blacklisted hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv inside the initrd but never loaded"))
            #expect(finding.message.contains("/init also loads cdrom virtio_scsi"))
            #expect(finding.actual?.contains("ata_piix prefer_ms_hyperv=0") == true)
            #expect(finding.rules?.contains("2.0.0-258") == true)
        }

        @Test func el6InsmodLineForABlacklistedModuleFails() {
            let finding = el6(files: Self.realEl6Modules, init: Self.goodInit + "\n" + Self.insmod("hid-hyperv") + "\n")
            #expect(finding.status == .fail)
            #expect(finding.message.contains("/init line 8 loads blacklisted hid-hyperv"))
        }

        @Test func el6RequiredModuleWithoutInsmodLineFails() {
            let script = Self.goodInit.replacingOccurrences(of: Self.insmod("ata_piix", "prefer_ms_hyperv=0"), with: "")
            let finding = el6(files: Self.realEl6Modules, init: script)
            #expect(finding.status == .fail)
            #expect(finding.message.contains("/init has no insmod line for ata_piix, so the capture kernel never loads it"))
        }

        @Test func el6OptionsMustReachTheInsmodLine() {
            let script = Self.goodInit.replacingOccurrences(of: "prefer_ms_hyperv=0", with: "")
            let finding = el6(files: Self.realEl6Modules, init: script)
            #expect(finding.status == .fail)
            #expect(finding.message.contains("/init line 4 loads ata_piix without prefer_ms_hyperv=0"))
            // The seed's run-together line reaches insmod as a broken option: still not the one required.
            let seed = Self.goodInit.replacingOccurrences(of: "prefer_ms_hyperv=0", with: "prefer_ms_hyperv=0disk_timeout 100")
            #expect(el6(files: Self.realEl6Modules, init: seed).message.contains("loads ata_piix without prefer_ms_hyperv=0 (it passes prefer_ms_hyperv=0disk_timeout 100)"))
        }

        @Test func el6WithoutInitCannotBeVerified() {
            let facts = Fixture.el6.initrd(Fixture.el6Initrd, modules: Self.realEl6Modules)
            let finding = KdumpInitrdCheck.modules(facts.context("el6-hyperv"))
            #expect(finding.status == .fail)
            #expect(finding.message == "\(Fixture.el6Initrd) has no /init, so nothing says which modules the capture kernel loads")
            #expect(el6(files: [], init: "#!/bin/sh\necho no modules\n").message.contains("loads no module at all"))
        }

        @Test func el6Pre63HasOnlyABlacklist() {
            let finding = el6(files: ["ata_piix", "ide_core", "hv_vmbus"], init: Self.insmod("ide_core") + "\n" + Self.insmod("ata_piix"),
                              profile: "el6-pre63-hyperv")
            #expect(finding.status == .pass)
            #expect(finding.expected == "never loads hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv")
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

        @Test func el7BlacklistIsJudgedOnTheCaptureCommandLine() {
            // dracut may put a blacklisted driver inside; rd.driver.blacklist= keeps it from loading (- and _ alike).
            let inside = Fixture.el7.initrd(Fixture.el7Initrd, modules: ["ata_piix", "sr_mod", "sd_mod", "hid_hyperv", "hyperv-fb"])
            let blacklisted = inside.file("/etc/sysconfig/kdump",
                "KDUMP_COMMANDLINE_APPEND=\"irqpoll ata_piix.prefer_ms_hyperv=0 rd.driver.blacklist=hv_vmbus,hv_storvsc,hv_utils,hv_netvsc,hid_hyperv,hyperv-fb\"\n")
            let pass = KdumpInitrdCheck.modules(blacklisted.context("el7-legacy-hyperv"))
            #expect(pass.status == .pass)
            #expect(pass.message.contains("hid-hyperv hyperv_fb inside the initramfs, kept from loading by rd.driver.blacklist="))

            let fail = KdumpInitrdCheck.modules(inside.file("/etc/sysconfig/kdump", "KDUMP_COMMANDLINE_APPEND=\"irqpoll\"\n").context("el7-legacy-hyperv"))
            #expect(fail.status == .fail)
            #expect(fail.message == "\(Fixture.el7Initrd) contains hid-hyperv and the capture command line does not blacklist it (rd.driver.blacklist= in KDUMP_COMMANDLINE_APPEND); "
                    + "\(Fixture.el7Initrd) contains hyperv_fb and the capture command line does not blacklist it (rd.driver.blacklist= in KDUMP_COMMANDLINE_APPEND)")
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
