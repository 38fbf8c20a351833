import Testing
@testable import KdumpBakeCore

/// A SLES 15 guest with SUSE's kdump package, as the package and YaST leave it (facts:
/// kdump-other-families.md L271–341).
enum SlesTexts {
    static let kernel = "5.14.21-150500.55.39-default"

    static let sysconfig = """
        ## Type:        string
        KDUMP_KERNELVER=""
        KDUMP_CPUS=""
        KDUMP_COMMANDLINE=""
        KDUMP_COMMANDLINE_APPEND=""
        KDUMP_IMMEDIATE_REBOOT="yes"
        KDUMP_SAVEDIR="file:///var/crash"
        KDUMP_KEEP_OLD_DUMPS="5"

        """

    static let defaultGrub = """
        GRUB_DISTRIBUTOR=
        GRUB_DEFAULT=saved
        GRUB_CMDLINE_LINUX_DEFAULT="splash=silent mitigations=auto quiet"
        GRUB_CMDLINE_LINUX=""

        """

    static func grubCfg(arguments: String = "splash=silent mitigations=auto quiet") -> String {
        """
        set default="0"
        menuentry 'SLES 15-SP5' --class sles --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-9f' {
        \tlinux\t/boot/vmlinuz-\(kernel) root=UUID=9f \(arguments)
        \tinitrd\t/boot/initrd-\(kernel)
        }

        """
    }

    static func guest(sp: Int = 5) -> FactsBuilder {
        FactsBuilder(distro: "sles", version: DistroVersion(15, sp), product: "SUSE Linux Enterprise Server 15 SP\(sp)")
            .file(GuestPaths.sysconfigKdump, sysconfig, mtime: 1_000)
            .file(GuestPaths.defaultGrub, defaultGrub)
            .file(GuestPaths.grub2Config, grubCfg())
            .mkdumprd("/usr/sbin/mkdumprd")
            .kernels(kernel)
    }
}

@Suite struct SlesTests {
    private let planner = PatchPlanner(templates: .builtin())

    private func findings(_ builder: FactsBuilder) -> [CheckID: Finding] {
        Dictionary(uniqueKeysWithValues: GuestChecks.run(builder.context("sles-azure")).map { ($0.check, $0) })
    }

    private func text(_ plan: PatchPlan, _ path: String) -> String? {
        plan.fileChanges.first { $0.path == path }.map { String(decoding: $0.new, as: UTF8.self) }
    }

    /// L273–277, L309, L315: the initrd's path changes with the package line.
    @Test func generationsFromTheServicePack() {
        #expect(SuseKdumpRelease(distroVersion: DistroVersion(12, 5)).generation == .v0_8)
        #expect(SuseKdumpRelease(distroVersion: DistroVersion(15, 3)).generation == .v0_9)
        #expect(SuseKdumpRelease(distroVersion: DistroVersion(15, 5)).initrdPath(kernel: "K") == "/boot/initrd-K-kdump")
        #expect(SuseKdumpRelease(distroVersion: DistroVersion(15, 6)).initrdPath(kernel: "K") == "/var/lib/kdump/initrd")
        #expect(SuseKdumpRelease.savedDirectory("file:///var/crash") == "/var/crash")
        #expect(SuseKdumpRelease.savedDirectory("ssh://host/x") == nil)
        #expect(Manifest.builtin().profile(forDistro: "sles", version: DistroVersion(12, 5), arch: "x86_64")?.name == "sles-azure")
        #expect(Manifest.builtin().profile(forDistro: "sles", version: DistroVersion(12, 4), arch: "x86_64") == nil)
    }

    @Test func freshGuestAuditAndPlan() throws {
        let result = findings(SlesTexts.guest())
        #expect(result[.kdumpInstalled]?.status == .pass)
        #expect(result[.kdumpConfig]?.status == .pass, "\(result[.kdumpConfig]?.message ?? "")")
        #expect(result[.bootCrashkernel]?.status == .fail)
        #expect(result[.kdumpEnabled]?.status == .fail)
        let plan = try planner.plan(facts: SlesTexts.guest().build, profile: Profiles.named("sles-azure"))
        // Explicit sizes on every linux line and in GRUB_CMDLINE_LINUX_DEFAULT (L298–301, L339–341).
        #expect(text(plan, GuestPaths.grub2Config)?.contains("quiet crashkernel=228M,high crashkernel=72M,low panic=5\n") == true)
        #expect(text(plan, GuestPaths.defaultGrub)?.contains("GRUB_CMDLINE_LINUX_DEFAULT=\"splash=silent mitigations=auto quiet crashkernel=228M,high crashkernel=72M,low panic=5\"") == true)
        #expect(text(plan, SuseKdumpRelease.dracutDropIn) == "# Drivers the kdump initrd needs on Azure (kdumpbake, profile sles-azure).\nadd_drivers+=\" hv_vmbus hv_storvsc hv_netvsc nvme \"\n")
        #expect(plan.operations.contains(.linkService(.systemd)))
        // -k always: without it SUSE's tools take `uname -r`, the appliance's kernel (L334–336).
        #expect(plan.initrdRebuilds.map(\.arguments) == [["/usr/sbin/mkdumprd", "-f", "-k", SlesTexts.kernel]])
        #expect(plan.initrdRebuilds.first?.initrdPath == "/boot/initrd-\(SlesTexts.kernel)-kdump")
    }

    /// L293–294: KB2858695's SLES 11 advice is wrong on SLES 12/15; load.sh appends the variable,
    /// so the rest of it is kept.
    @Test func preferMsHypervIsRemovedAndTheRestKept() throws {
        let builder = SlesTexts.guest().file(GuestPaths.sysconfigKdump, SlesTexts.sysconfig.replacing("KDUMP_COMMANDLINE_APPEND=\"\"", with: "KDUMP_COMMANDLINE_APPEND=\"ata_piix.prefer_ms_hyperv=0 nokaslr\""))
        #expect(findings(builder)[.kdumpConfig]?.status == .fail)
        let sysconfig = try #require(text(try planner.plan(facts: builder.build, profile: Profiles.named("sles-azure")), GuestPaths.sysconfigKdump))
        #expect(sysconfig.contains("\nKDUMP_COMMANDLINE_APPEND=\"nokaslr\"\n"))
        #expect(sysconfig.contains("KDUMP_SAVEDIR=\"file:///var/crash\""))
    }

    /// SLE 15 SP6+: one initrd, for the default kernel, and KDUMP_SAVEDIR as a path (L280–282, L315–318).
    @Test func sp6BuildsOneInitrdForTheDefaultKernel() throws {
        let builder = SlesTexts.guest(sp: 6).kernels(SlesTexts.kernel, "5.14.21-150500.55.36-default")
        let plan = try planner.plan(facts: builder.build, profile: Profiles.named("sles-azure"))
        #expect(plan.initrdRebuilds.map(\.initrdPath) == ["/var/lib/kdump/initrd"])
        #expect(plan.initrdRebuilds.first?.kernel == SlesTexts.kernel)
        #expect(text(plan, GuestPaths.sysconfigKdump)?.contains("KDUMP_SAVEDIR=\"/var/crash\"") == true)
    }

    @Test func bakedGuestPassesAndIsLeftAlone() throws {
        let fresh = SlesTexts.guest()
        let plan = try planner.plan(facts: fresh.build, profile: Profiles.named("sles-azure"))
        var after = fresh.serviceLinks(GuestPaths.kdumpWantsLink)
        for change in plan.fileChanges { after = after.file(change.path, String(decoding: change.new, as: UTF8.self), mtime: 1_500) }
        after = after.initrd("/boot/initrd-\(SlesTexts.kernel)-kdump", mtime: 2_000, modules: ["hv_vmbus", "hv_storvsc", "hv_netvsc", "nvme", "sd_mod"])
        let result = findings(after)
        for check in CheckID.guestChecks {
            #expect(result[check]?.status == .pass, "\(check): \(result[check]?.message ?? "missing")")
        }
        let again = try planner.plan(facts: after.build, profile: Profiles.named("sles-azure"))
        #expect(!again.operations.contains { $0.changesTheGuest }, "\(again.operations.map(\.reportLine))")
        // An initrd older than /etc/sysconfig/kdump is rebuilt by kdump.service at first boot.
        let stale = after.initrd("/boot/initrd-\(SlesTexts.kernel)-kdump", mtime: 1_200, modules: ["hv_vmbus", "hv_storvsc", "hv_netvsc", "nvme"])
        #expect(findings(stale)[.kdumpInitrd]?.status == .warn)
        #expect(findings(stale)[.kdumpInitrd]?.firstBoot?.first?.rebuilt == true)
    }
}
