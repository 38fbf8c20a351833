import Testing
@testable import KdumpBakeCore

@Suite struct KdumpToolsPlanTests {
    private func plan(_ builder: FactsBuilder, profile: String = "debian-azure") throws -> PatchPlan {
        try PatchPlanner(templates: .builtin()).plan(facts: builder.build, profile: Profiles.named(profile))
    }

    private func text(_ plan: PatchPlan, _ path: String) -> String? {
        plan.fileChanges.first { $0.path == path }.map { String(decoding: $0.new, as: UTF8.self) }
    }

    @Test func freshDebian12() throws {
        let plan = try plan(DebianTexts.freshInstall())
        // kdump-config's default stays in force: no KDUMP_CMDLINE_APPEND written (L163–169).
        let defaults = try #require(text(plan, KdumpToolsPaths.defaults))
        #expect(defaults.contains("USE_KDUMP=1") && defaults.contains("KDUMP_COREDIR=\"/var/crash\""))
        #expect(!defaults.contains("\nKDUMP_CMDLINE_APPEND="))
        #expect(text(plan, "/etc/sysctl.d/99-zz-kdumpbake.conf")?.contains("kernel.panic = 5") == true)
        // Normal entries gain the release's own default reservation; the recovery entry does not.
        let grub = try #require(text(plan, KdumpToolsPaths.grubConfig))
        #expect(grub.components(separatedBy: "ro quiet crashkernel=384M-:128M panic=5\n").count == 3)
        #expect(grub.contains("root=UUID=0a1b ro single\n"))
        // kdump-tools.cfg still carries crashkernel=, so the drop-in only adds panic=.
        #expect(text(plan, PatchPlanner.grubDropIn)?.hasSuffix("\"$GRUB_CMDLINE_LINUX_DEFAULT panic=5\"\n") == true)
        // One bake, the kernel version an argv element of its own, never in the script.
        let rebuild = try #require(plan.initrdRebuilds.first)
        #expect(plan.initrdRebuilds.count == 1)
        #expect(rebuild.initrdPath == DebianTexts.initrd)
        #expect(rebuild.arguments.prefix(2) == ["/bin/sh", "-c"])
        #expect(Array(rebuild.arguments.dropFirst(3)) == ["kdumpbake-initrd", DebianTexts.kernel])
        #expect(!rebuild.arguments[2].contains(DebianTexts.kernel))
        // The configuration copy is made once per image, at the one path kdump-tools' initramfs hook accepts.
        let preparation = try #require(rebuild.preparation)
        #expect(Array(preparation.dropFirst(3)) == ["kdumpbake-initrd-config", "hv_vmbus", "hv_storvsc", "hv_netvsc", "nvme", "ata_piix"])
        #expect(preparation[2].contains("conf=$state/initramfs-tools\n") && rebuild.arguments[2].contains("mkinitramfs -d \"$state/initramfs-tools\""))
        #expect(!plan.operations.contains { if case .linkService = $0 { return true }; return false })
    }

    @Test func debian11GetsTheWholeDefaultWithoutPreferMsHyperv() throws {
        let defaults = try #require(text(try plan(DebianTexts.freshInstall(debian11: true)), KdumpToolsPaths.defaults))
        #expect(defaults.contains("KDUMP_CMDLINE_APPEND=\"reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb\""))
        #expect(!defaults.contains("prefer_ms_hyperv"))
    }

    @Test func aUsersAppendKeepsItsWordsAndGainsTheDumpUnit() throws {
        let builder = DebianTexts.freshInstall().file(KdumpToolsPaths.defaults, DebianTexts.defaults + "KDUMP_CMDLINE_APPEND=\"nr_cpus=1 irqpoll\"\n")
        let defaults = try #require(text(try plan(builder), KdumpToolsPaths.defaults))
        #expect(defaults.contains("KDUMP_CMDLINE_APPEND=\"nr_cpus=1 irqpoll systemd.unit=kdump-tools-dump.service\""))
        // The user's line is commented out by the managed block, not left to override it.
        #expect(!defaults.contains("\nKDUMP_CMDLINE_APPEND=\"nr_cpus=1 irqpoll\"\n"))
    }

    @Test func droppedDefaultsGetADropInAndServiceLink() throws {
        let builder = DebianTexts.freshInstall().serviceLinks().without("/etc/default/grub.d/kdump-tools.cfg")
        let plan = try plan(builder)
        #expect(text(plan, PatchPlanner.grubDropIn) == "# Kernel parameters required by profile debian-azure (kdumpbake): update-grub keeps them.\nGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M panic=5\"\n")
        #expect(plan.operations.contains(.linkService(ServiceLink(link: KdumpToolsPaths.wantsLink, target: "/lib/systemd/system/kdump-tools.service"))))
    }

    @Test func aBakedGuestNeedsNothing() throws {
        let plan = try plan(DebianTexts.baked(DebianTexts.freshInstall()).file(KdumpToolsPaths.defaults, DebianTexts.defaults + "\n")
            .file(PatchPlanner.grubDropIn, "# Kernel parameters required by profile debian-azure (kdumpbake): update-grub keeps them.\nGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT panic=5\"\n"))
        let changing = plan.operations.filter(\.changesTheGuest)
        // The defaults file gains the managed block once; everything else is already right.
        #expect(changing.allSatisfy { if case .writeFile(let change) = $0 { return change.path == KdumpToolsPaths.defaults }; return false }, "\(changing.map(\.reportLine)) \(plan.operations.compactMap(\.diff))")
    }

    @Test func refusesWithoutKdumpToolsOrInitramfsTools() throws {
        let bare = FactsBuilder(distro: "debian", version: DistroVersion(12)).kernels(DebianTexts.kernel)
        #expect(throws: PatchError.notPatchable("kdump-tools is not installed (no /usr/sbin/kdump-config); install kdump-tools in the image first")) { try plan(bare) }
        let noTools = FactsBuilder(distro: "debian", version: DistroVersion(12))
            .file(KdumpToolsPaths.defaults, DebianTexts.defaults).file(KdumpToolsPaths.kdumpConfig, DebianTexts.kdumpConfig()).kernels(DebianTexts.kernel)
        #expect(throws: PatchError.self) { try plan(noTools) }
    }
}

@Suite struct BootPanicTests {
    private func debianWithBootPanic() -> Profile {
        Profiles.named("debian-azure") { $0.values.bootPanic = true }
    }

    /// L223–226, L264: panic= on the main command line is inherited by the capture kernel, where
    /// initramfs-tools would otherwise drop to a shell when the root is not found.
    @Test func addsPanicToNormalEntriesAndTheDropIn() throws {
        let builder = DebianTexts.baked(DebianTexts.freshInstall())
            .file(KdumpToolsPaths.grubConfig, DebianTexts.grubCfg(arguments: "ro quiet crashkernel=384M-:128M"))
        let before = GuestChecks.run(builder.context(debianWithBootPanic())).first { $0.check == .sysctlKernelPanic }
        #expect(before?.status == .fail)
        #expect(before?.message.contains("boots without panic=5") == true)
        let plan = try PatchPlanner(templates: .builtin()).plan(facts: builder.build, profile: debianWithBootPanic())
        let grub = try #require(plan.fileChanges.first { $0.path == KdumpToolsPaths.grubConfig }.map { String(decoding: $0.new, as: UTF8.self) })
        #expect(grub.components(separatedBy: "ro quiet crashkernel=384M-:128M panic=5\n").count == 3)
        #expect(grub.contains("ro single\n"))
        let dropIn = try #require(plan.fileChanges.first { $0.path == PatchPlanner.grubDropIn }.map { String(decoding: $0.new, as: UTF8.self) })
        #expect(dropIn.hasSuffix("GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT panic=5\"\n"))

        // Applying the plan's files gives a guest the audit passes and the planner leaves alone.
        var after = builder.file(KdumpToolsPaths.grubConfig, grub).file(PatchPlanner.grubDropIn, dropIn)
        after = after.file(KdumpToolsPaths.defaults, String(decoding: plan.fileChanges.first { $0.path == KdumpToolsPaths.defaults }!.new, as: UTF8.self))
        let findings = GuestChecks.run(after.context(debianWithBootPanic()))
        #expect(findings.allSatisfy { $0.status == .pass }, "\(findings.filter { $0.status != .pass }.map(\.message))")
        let again = try PatchPlanner(templates: .builtin()).plan(facts: after.build, profile: debianWithBootPanic())
        #expect(!again.operations.contains { $0.changesTheGuest }, "\(again.operations.map(\.reportLine))")
    }

    @Test func manifestNeedsAPanicTimeout() {
        let text = """
            version: 1
            profiles:
              - name: p
                family: kdump-tools
                match: {distro: [debian], versions: ">=12"}
                values: {boot_panic: true}
            """
        #expect(throws: (any Error).self) { try Manifest.parse(text, file: "m.yaml") }
    }
}

@Suite struct NonKdumpConfFamilyManifestTests {
    @Test func kdumpConfValuesAreRefused() {
        for family in ["kdump-tools", "sles"] {
            let text = """
                version: 1
                profiles:
                  - name: p
                    family: \(family)
                    match: {distro: [debian], versions: ">=12"}
                    values: {blacklist: [hv_vmbus], core_collector: makedumpfile -c}
                """
            #expect(throws: (any Error).self) { try Manifest.parse(text, file: "m.yaml") }
            do { _ = try Manifest.parse(text, file: "m.yaml") } catch {
                #expect("\(error)".contains("blacklist has no effect on \(family)"))
                #expect("\(error)".contains("core_collector has no effect on \(family)"))
            }
        }
    }
}
