import Testing
@testable import KdumpBakeCore

/// The audit of kdump-tools guests, check by check, from facts shaped like the real Debian 12
/// guest's (DebianTexts).
@Suite struct KdumpToolsAuditTests {
    private func findings(_ builder: FactsBuilder, profile: String = "debian-azure") -> [CheckID: Finding] {
        let context = builder.context(profile)
        return Dictionary(uniqueKeysWithValues: GuestChecks.run(context).map { ($0.check, $0) })
    }

    @Test func builtInManifestCoversDebianAndUbuntu() throws {
        let manifest = Manifest.builtin()
        #expect(manifest.profile(forDistro: "debian", version: DistroVersion(12), arch: "x86_64")?.name == "debian-azure")
        #expect(manifest.profile(forDistro: "debian", version: DistroVersion(11), arch: "x86_64")?.name == "debian-azure")
        #expect(manifest.profile(forDistro: "ubuntu", version: DistroVersion(22, 4), arch: "x86_64")?.name == "ubuntu-azure")
        #expect(manifest.profile(forDistro: "ubuntu", version: DistroVersion(24, 4), arch: "x86_64")?.name == "ubuntu-azure")
        #expect(manifest.profile(forDistro: "debian", version: DistroVersion(10), arch: "x86_64") == nil)
        #expect(manifest.profile(forDistro: "ubuntu", version: DistroVersion(16, 4), arch: "x86_64") == nil)
    }

    @Test func freshInstallFailsWhereABootWouldNotDump() {
        let result = findings(DebianTexts.freshInstall())
        #expect(result[.kdumpInstalled]?.status == .pass)
        #expect(result[.kdumpConfig]?.status == .pass, "\(result[.kdumpConfig]?.message ?? "")")
        #expect(result[.kdumpConfig]?.message.contains("kdump-config's default") == true)
        #expect(result[.kdumpInitrd]?.status == .warn)
        #expect(result[.kdumpInitrd]?.message.contains("no /var/lib/kdump/initrd.img-\(DebianTexts.kernel)") == true)
        #expect(result[.kdumpInitrdModules]?.status == .skip)
        #expect(result[.bootCrashkernel]?.status == .fail)
        #expect(result[.bootCrashkernel]?.message.contains("boots without crashkernel=") == true)
        #expect(result[.kdumpEnabled]?.status == .pass)
        #expect(result[.sysctlKernelPanic]?.status == .fail)
    }

    @Test func bakedGuestPasses() {
        let result = findings(DebianTexts.baked(DebianTexts.freshInstall()))
        for check in CheckID.guestChecks {
            #expect(result[check]?.status == .pass, "\(check): \(result[check]?.message ?? "missing")")
        }
        // nvme is built into the cloud kernel (modules.builtin), so the initrd need not hold it.
        #expect(result[.kdumpInitrdModules]?.message.contains("nvme built into the kernel") == true)
        #expect(result[.kdumpInitrd]?.firstBoot?.first?.rebuilt == false)
    }

    /// L171–176: Debian 11's default carries ata_piix.prefer_ms_hyperv=0.
    @Test func debian11DefaultPrefersTheEmulatedDisk() {
        let result = findings(DebianTexts.freshInstall(debian11: true))
        #expect(result[.kdumpConfig]?.status == .fail)
        #expect(result[.kdumpConfig]?.message.contains("ata_piix.prefer_ms_hyperv=0") == true)
    }

    /// L163–166: a set KDUMP_CMDLINE_APPEND replaces the default.
    @Test func anAppendWithoutTheDumpUnitFails() {
        let builder = DebianTexts.freshInstall().file(KdumpToolsPaths.defaults, DebianTexts.defaults + "KDUMP_CMDLINE_APPEND=\"nr_cpus=1 irqpoll\"\n")
        let config = findings(builder)[.kdumpConfig]
        #expect(config?.status == .fail)
        #expect(config?.message.contains("lacks systemd.unit=kdump-tools-dump.service") == true)
    }

    @Test func disabledServiceAndUseKdumpZero() {
        let builder = DebianTexts.freshInstall().serviceLinks().file(KdumpToolsPaths.defaults, DebianTexts.defaults.replacing("USE_KDUMP=1", with: "USE_KDUMP=0"))
        let enabled = findings(builder)[.kdumpEnabled]
        #expect(enabled?.status == .fail)
        #expect(enabled?.message.contains("USE_KDUMP is '0'") == true)
        #expect(enabled?.message.contains("kdump-tools.service is not enabled") == true)
    }

    @Test func missingInitramfsToolsIsNamed() {
        var builder = DebianTexts.freshInstall()
        builder = FactsBuilder(distro: "debian", version: DistroVersion(12))
            .file(KdumpToolsPaths.defaults, DebianTexts.defaults).file(KdumpToolsPaths.kdumpConfig, DebianTexts.kdumpConfig()).kernels(DebianTexts.kernel)
        let installed = findings(builder)[.kdumpInstalled]
        #expect(installed?.status == .fail)
        #expect(installed?.message.contains("initramfs-tools-core") == true)
    }

    @Test func initrdWithoutTheHyperVDriversFails() {
        let result = findings(DebianTexts.baked(DebianTexts.freshInstall(), modules: ["virtio_blk", "virtio_scsi", "ext4"]))
        #expect(result[.kdumpInitrdModules]?.status == .fail)
        #expect(result[.kdumpInitrdModules]?.message.contains("lacks hv_vmbus hv_storvsc hv_netvsc") == true)
    }

    /// What the appliance's MODULES=dep gives without the profile's list: its own virtio-scsi disk driver,
    /// no IDE. A drill of such an initrd showed the capture kernel "Gave up waiting for root file system device".
    @Test func initrdWithHyperVButWithoutTheIDEDriverFails() {
        let result = findings(DebianTexts.baked(DebianTexts.freshInstall(), modules: ["hv_vmbus", "hv_storvsc", "hv_netvsc", "virtio_scsi", "sd_mod", "ext4"]))
        #expect(result[.kdumpInitrdModules]?.status == .fail)
        #expect(result[.kdumpInitrdModules]?.message.contains("ata_piix") == true, "\(result[.kdumpInitrdModules]?.message ?? "")")
    }

    /// L216–220: without a matching latest_sysctls-KVER the first load deletes the baked initrd.
    @Test func staleSysctlSnapshotIsForecast() {
        let builder = DebianTexts.baked(DebianTexts.freshInstall()).file("/var/lib/kdump/latest_sysctls-\(DebianTexts.kernel)", "kernel.panic_on_oops=1\n")
        let initrd = findings(builder)[.kdumpInitrd]
        #expect(initrd?.status == .warn)
        #expect(initrd?.message.contains("differs from /etc/kdump/sysctl.conf") == true)
        #expect(initrd?.firstBoot?.first?.rebuilt == true)
    }

    @Test func aLaterDropInThatDropsCrashkernelFails() {
        let builder = DebianTexts.baked(DebianTexts.freshInstall())
            .file("/etc/default/grub.d/zz-site-console.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"console=ttyS0\"\n")
        let boot = findings(builder)[.bootCrashkernel]
        #expect(boot?.status == .fail)
        #expect(boot?.message.contains("the next update-grub drops it") == true)
    }
}
