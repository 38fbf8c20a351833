import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

extension BootAndLookalikeLane {
    /// SLES 15 SP5 and SP6 look-alikes (`GuestRecipe.sles155`, `.sles155PreferMsHyperv`, `.sles156`)
    /// through audit, patch, a second patch, and what their own stand-in mkdumprd does with the result.
    /// Facts: kdump-other-families.md, SLES section, cited as L<line>. One test: the audit and the read-back each
    /// take one appliance for all three images; `patch` takes one per image.
    @Suite struct SlesImageTests {
        static let policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment)
        static let sp5Kernels = ["5.14.21-150500.55.39-default", "5.14.21-150500.55.36-default"]
        static let sp6Kernels = ["6.4.0-150600.23.25-default", "6.4.0-150600.23.22-default"]
        /// sles-azure's explicit sizes (L298–301) and boot_panic 5.
        static let added = "splash=silent mitigations=auto quiet crashkernel=228M,high crashkernel=72M,low panic=5"
        static let azureDrivers = ["hv_vmbus", "hv_storvsc", "hv_netvsc", "nvme"]
        /// Where the stand-in kernels keep those drivers (zstd-compressed, as SLES 15 kernels).
        static let driverPaths = ["kernel/drivers/hv/hv_vmbus.ko.zst", "kernel/drivers/scsi/hv_storvsc.ko.zst",
                                  "kernel/drivers/net/hyperv/hv_netvsc.ko.zst", "kernel/drivers/nvme/host/nvme.ko.zst"]

        @Test func auditPatchAndTheirOwnMkdumprd() throws {
            let recipes: [GuestRecipe] = [.sles155, .sles155PreferMsHyperv, .sles156]

            // ---- audit, as the images come (one appliance) ----
            let stock = try recipes.map { try TestImageBuilder.image($0, format: .raw) }
            let audits = AuditRunner.audit(stock.map(\.path), options: AuditOptions(manifest: .builtin(), launchPolicy: Self.policy))
            try #require(audits.count == 3)
            for report in audits {
                #expect(report.os?.distro == "sles", "\(report.path): \(String(describing: report.os))")
                #expect(report.profile == "sles-azure", "\(report.path)")
                #expect(!report.compliant)
                #expect(finding(report.findings, "kdump.installed")?.status == .pass)
                #expect(finding(report.findings, "boot.crashkernel")?.status == .fail, "\(finding(report.findings, "boot.crashkernel")?.message ?? "")")
                #expect(finding(report.findings, "kdump.enabled")?.status == .fail)
                // No kdump initrd yet: kdump.service would build it at first boot, on whatever hardware that is.
                #expect(finding(report.findings, "kdump.initrd")?.status == .warn)
            }
            #expect(audits.map { $0.os?.version } == ["15.5", "15.5", "15.6"])
            #expect(finding(audits[0].findings, "kdump.config")?.status == .pass, "\(finding(audits[0].findings, "kdump.config")?.message ?? "")")
            #expect(finding(audits[2].findings, "kdump.config")?.status == .pass, "\(finding(audits[2].findings, "kdump.config")?.message ?? "")")
            // L293–294: KB2858695's SLES 11 advice is a failure on SLES 15.
            let trap = try #require(finding(audits[1].findings, "kdump.config"))
            #expect(trap.status == .fail && trap.message.contains("ata_piix.prefer_ms_hyperv=0"), "\(trap.message)")

            // ---- patch all three ----
            let images = try recipes.map { try TestImageBuilder.scratchCopy($0, format: .raw) }
            defer { images.forEach { $0.discardScratch() } }
            // One appliance per image, one after another: side by side they only slowed each other (2 cores, TCG).
            let reports = PatchRunner.patch(images.map(\.path), options: PatchOptions(manifest: .builtin(), destination: .inPlace, launchPolicy: Self.policy))
            for report in reports {
                #expect(report.status == .patched, "\(report.message) \(report.findings.filter { $0.status.breaksCompliance })")
                // The verifying audit: every guest check passes (COMPLIANT).
                for check in CheckID.guestChecks {
                    #expect(finding(report.findings, check.rawValue)?.status == .pass, "\(report.path) \(check): \(finding(report.findings, check.rawValue)?.message ?? "missing")")
                }
                // No hardware check exists, so the appliance-built initrd is what Azure boots (L321–322).
                for kernel in try #require(finding(report.findings, "kdump.initrd")?.firstBoot) {
                    #expect(!kernel.rebuilt, "\(kernel)")
                }
            }
            // -k always (L334–336): one run per kernel on 1.0.2, one for the default kernel on 2.0 (L315–318).
            for kernel in Self.sp5Kernels {
                #expect(reports[0].changes.contains("run /usr/sbin/mkdumprd -f -k \(kernel)"), "\(reports[0].changes)")
            }
            #expect(reports[2].changes.filter { $0.hasPrefix("run ") } == ["run /usr/sbin/mkdumprd -f -k \(Self.sp6Kernels[0])"], "\(reports[2].changes)")

            // ---- a second patch of the SP5 image changes nothing ----
            let before = try FileFingerprint(images[0].path)
            let again = PatchRunner.patch([images[0].path], options: PatchOptions(manifest: .builtin(), destination: .inPlace, launchPolicy: Self.policy))
            #expect(again.map(\.status) == [.alreadyCompliant], "\(again.map(\.message))")
            #expect(try FileFingerprint(images[0].path) == before)

            // ---- the files, and the guests' own mkdumprd (one appliance) ----
            let handle = try ApplianceLauncher.launch(policy: Self.policy) { handle in
                for image in images { try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: false)) }
            }
            let devices = try handle.listDevices()
            try checkSp5(handle, devices[0])
            try checkPreferMsHypervRemoved(handle, devices[1])
            try checkSp6(handle, devices[2])
            try handle.shutdown()
        }

        /// 1.0.2: an initrd per kernel with the Azure drivers, the boot parameters everywhere YaST puts
        /// them, and what kdump.service's `load.sh --update` and a bare `mkdumprd` do with that.
        private func checkSp5(_ handle: GuestfsHandle, _ device: String) throws {
            try mount(handle, device)
            for kernel in Self.sp5Kernels {
                let initrd = "/boot/initrd-\(kernel)-kdump"
                let listing = try handle.initrdList(initrd)
                for path in Self.driverPaths {
                    #expect(listing.contains("lib/modules/\(kernel)/\(path)"), "\(kernel) lacks \(path): \(listing)")
                }
            }
            // Every linux line of grub.cfg (main entry and both advanced ones) and GRUB_CMDLINE_LINUX_DEFAULT.
            let linuxLines = try handle.cat("/boot/grub2/grub.cfg").split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("linux") }
            #expect(linuxLines.count == 3)
            for line in linuxLines { #expect(line.hasSuffix("${extra_cmdline} \(Self.added)"), "\(line)") }
            #expect(try handle.cat("/etc/default/grub").contains("\nGRUB_CMDLINE_LINUX_DEFAULT=\"\(Self.added)\"\n"))
            #expect(try handle.cat("/etc/dracut.conf.d/99-kdumpbake-azure.conf").contains("add_drivers+=\" hv_vmbus hv_storvsc hv_netvsc nvme \""))
            #expect(try handle.readlink("/etc/systemd/system/multi-user.target.wants/kdump.service") == "/usr/lib/systemd/system/kdump.service")
            // load.sh sources the file (L278–279): what it sees.
            let settings = try handle.command(["/bin/sh", "-c", ". /etc/sysconfig/kdump && printf '%s|%s|%s' \"$KDUMP_SAVEDIR\" \"$KDUMP_COMMANDLINE_APPEND\" \"$KDUMP_KEEP_OLD_DUMPS\""])
            #expect(settings == "file:///var/crash||5", "\(settings)")

            // First boot on Azure: kdump.service's `load.sh --update` runs `mkdumprd -K KERNEL -I INITRD` for
            // the running kernel, without -f (L328–329, L310–311): the baked initrd is current and kept.
            let initrd = "/boot/initrd-\(Self.sp5Kernels[0])-kdump"
            let baked = try handle.readFile(initrd)
            let firstBoot = try handle.command(["/usr/sbin/mkdumprd", "-K", "/boot/vmlinuz-\(Self.sp5Kernels[0])", "-I", initrd])
            #expect(firstBoot.contains(">>> Not regenerating kdump initrd. Use mkdumprd -f to force regeneration."), "\(firstBoot)")
            #expect(try handle.readFile(initrd) == baked)

            // Without -k the kernel comes from find_kernel, which starts at `uname -r` -- here the
            // appliance's kernel -- and falls back to /boot/vmlinuz (L334–336): the default kernel only.
            try handle.remove(initrd)
            _ = try handle.command(["/usr/sbin/mkdumprd", "-f"])
            #expect(try handle.exists(initrd))
            // ... and with no /boot/vmlinuz link it finds nothing at all.
            try handle.remove("/boot/vmlinuz")
            let none = #expect(throws: GuestfsError.self) { try handle.command(["/usr/sbin/mkdumprd", "-f"]) }
            #expect(none?.message.contains("No suitable kdump kernel found.") == true, "\(none?.message ?? "")")

            // A driver the kernel lacks in add_drivers is fatal to dracut (L110-111), and leaves the initrd alone.
            let kept = try handle.readFile(initrd)
            try handle.write("/etc/dracut.conf.d/50-extra.conf", text: "add_drivers+=\" no_such_driver \"\n")
            let missing = #expect(throws: GuestfsError.self) {
                try handle.command(["/usr/sbin/mkdumprd", "-f", "-k", Self.sp5Kernels[0]])
            }
            #expect(missing?.message.contains("dracut-install: Failed to find module 'no_such_driver'") == true, "\(missing?.message ?? "")")
            #expect(try handle.readFile(initrd) == kept)
            try handle.unmountAll()
        }

        /// The KB2858695 variant: the parameter is gone from what load.sh reads, the rest is as shipped.
        private func checkPreferMsHypervRemoved(_ handle: GuestfsHandle, _ device: String) throws {
            try mount(handle, device)
            let settings = try handle.command(["/bin/sh", "-c", ". /etc/sysconfig/kdump && printf '%s|%s|%s|%s|%s' \"$KDUMP_COMMANDLINE_APPEND\" \"$KDUMP_SAVEDIR\" \"$KDUMP_CPUS\" \"$KDUMP_IMMEDIATE_REBOOT\" \"$KDUMP_DUMPLEVEL\""])
            #expect(settings == "|file:///var/crash|1|yes|31", "\(settings)")
            let text = try handle.cat("/etc/sysconfig/kdump")
            #expect(text.contains("KDUMP_NETCONFIG=\"auto\"\n") && text.contains("KDUMP_KEEP_OLD_DUMPS=5\n"), "\(text)")
            try handle.unmountAll()
        }

        /// 2.0: one initrd, for the kernel /var/lib/kdump/kernel points at (L315–318), kept by the
        /// service's own freshness check.
        private func checkSp6(_ handle: GuestfsHandle, _ device: String) throws {
            try mount(handle, device)
            let listing = try handle.initrdList("/var/lib/kdump/initrd")
            for path in Self.driverPaths {
                #expect(listing.contains("lib/modules/\(Self.sp6Kernels[0])/\(path)"), "lacks \(path): \(listing)")
            }
            #expect(try handle.readlink("/var/lib/kdump/kernel") == "/boot/vmlinuz-\(Self.sp6Kernels[0])")
            #expect(try !handle.exists("/boot/initrd-\(Self.sp6Kernels[1])-kdump"))
            let settings = try handle.command(["/bin/sh", "-c", ". /etc/sysconfig/kdump && printf '%s' \"$KDUMP_SAVEDIR\""])
            #expect(settings == "/var/crash")
            // 2.0's load.sh runs a bare `mkdumprd` (default kernel = /boot/vmlinuz): current, kept.
            let firstBoot = try handle.command(["/usr/sbin/mkdumprd"])
            #expect(firstBoot.contains("Not regenerating kdump initrd. Use mkdumprd -f to force regeneration."), "\(firstBoot)")
            try handle.unmountAll()
        }

        private func finding(_ findings: [Finding], _ check: String) -> Finding? {
            findings.first { $0.check.rawValue == check }
        }

        private func mount(_ handle: GuestfsHandle, _ device: String) throws {
            try handle.mount(device + "2", at: "/", options: "nouuid")
            try handle.mount(device + "1", at: "/boot", options: "")
        }
    }
}
