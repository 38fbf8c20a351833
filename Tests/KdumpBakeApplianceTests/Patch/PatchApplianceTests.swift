import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import Synchronization
import TestSupport
import Testing

/// `patch` on both look-alikes, raw and fixed VHD: compliant afterwards, metadata and SELinux
/// labels kept, the kdump initrd verified, the VHD still a valid fixed VHD, a second run a no-op.
///
/// Then the guests' own kdump service stand-ins (el6 `/etc/init.d/kdump start`, el7 `kdumpctl`),
/// which follow Red Hat's scripts as the reference describes them, run on the raw images just
/// patched: they accept the configuration, rebuild at "first boot" for the reasons the audit
/// predicted, and the initrds they build on Azure-like hardware still pass the audit. That also
/// proves why the offline el6 rebuild needs `--allow-missing`. (One test, so the patched images
/// and the appliances that read them serve both: each launch is ~30 CPU-seconds under TCG.)
@Suite struct PatchApplianceTests {
    static let policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment)
    static let label = Array("system_u:object_r:etc_t:s0".utf8)
    static let kdumpLabel = Array("system_u:object_r:kdump_etc_t:s0".utf8)
    static let el6Kernel = "2.6.32-358.el6.x86_64"
    static let el7Kernel = "3.10.0-1160.el7.x86_64"
    static let azurePath = "PATH=/tmp/azure:/sbin:/usr/sbin:/bin:/usr/bin"

    /// What lsmod prints on a CentOS guest booted on Azure (the modules the test kernels have).
    static let azureLsmod = """
        #!/bin/sh
        echo "Module                  Size  Used by"
        for m in hv_vmbus hv_storvsc hv_netvsc hv_utils hid_hyperv scsi_transport_fc ata_piix sd_mod sr_mod cdrom; do
            echo "$m 16384 0"
        done

        """

    @Test func patchesBothFixturesRawAndVHDKeepingMetadata() throws {
        let images = try [(GuestRecipe.centos64, DiskFormat.raw), (.centos64, .vhd), (.centos79, .raw), (.centos79, .vhd)]
            .map { try TestImageBuilder.scratchCopy($0.0, format: $0.1) }
        defer { images.forEach { $0.discardScratch() } }

        // Give the guests SELinux labels, an unusual mode and owner, as real images have.
        try withGuests(images, writable: true) { handle, device in
            try handle.mount(device + "2", at: "/", options: try handle.filesystemType(device + "2") == "xfs" ? "nouuid" : "")
            try handle.makeDirectories("/etc/selinux")
            try handle.write("/etc/selinux/config", text: "SELINUX=enforcing\nSELINUXTYPE=targeted\n")
            try handle.setExtendedAttribute("security.selinux", Self.kdumpLabel, of: "/etc/kdump.conf")
            try handle.setPermissions(0o640, of: "/etc/kdump.conf")
            try handle.setOwner(uid: 0, gid: 4, of: "/etc/kdump.conf")
            try handle.setExtendedAttribute("security.selinux", Self.label, of: "/etc/sysctl.conf")
            if try handle.isDirectory("/etc/sysctl.d") {
                try handle.write("/etc/sysctl.d/10-site.conf", text: "vm.swappiness = 10\n")
                try handle.setExtendedAttribute("security.selinux", Self.label, of: "/etc/sysctl.d/10-site.conf")
            }
            try handle.unmountAll()
        }
        let footers = try images.filter { $0.format == .vhd }.map { try VHDFooter.read(path: $0.path) }

        let events = Mutex<[ProgressEvent]>([])
        let options = PatchOptions(manifest: .builtin(), destination: .inPlace, launchPolicy: Self.policy)
        var sequential = options
        sequential.rebuildJobs = 1
        // The last image's two kernels are built one after the other, the others' side by side.
        let reports = PatchRunner.patch(images.dropLast().map(\.path), options: options, events: { event in events.withLock { $0.append(event) } })
            + PatchRunner.patch([images[3].path], options: sequential, events: { event in events.withLock { $0.append(event) } })
        for report in reports {
            #expect(report.status == .patched, "\(report.message) \(report.findings)")
            #expect(report.notes.isEmpty, "a label could not be derived: \(report.notes)")
        }
        // qemu-img's progress while committing reaches the events, ending at 100 %.
        for image in images {
            let progress = events.withLock { $0 }.filter { $0.image == image.path && $0.kind == .progress }
            let committing = progress.filter { $0.step.hasPrefix("committing into the image") }
            #expect(committing.last?.progress == 1.0, "\(image.path): \(progress)")
            print("progress events by step: \(Dictionary(grouping: progress, by: \.step).mapValues(\.count))")
        }
        #expect(reports[2].changes.contains("write /etc/sysctl.d/99-zz-kdumpbake.conf (replace, new file)"))
        #expect(reports[2].changes.filter { $0.hasPrefix("run /sbin/mkdumprd -f /boot/initramfs-") }.count == 2)

        // Side by side or one after the other, the builds give the same report (but their durations),
        // and each kernel's start and end was shown while the batch ran.
        let kernels = ["3.10.0-1127.el7.x86_64", "3.10.0-1160.el7.x86_64"]
        let withoutDurations = { (report: PatchReport) in report.rebuilds.map { var result = $0; result.seconds = nil; return result } }
        #expect(withoutDurations(reports[2]) == kernels.map { InitrdRebuildResult(kernel: $0, tool: "mkdumprd", outcome: .succeeded, exitCode: 0) })
        #expect(withoutDurations(reports[2]) == withoutDurations(reports[3]))
        #expect(reports[2].changes == reports[3].changes && reports[2].diff == reports[3].diff)
        #expect(reports[2].findings == reports[3].findings)
        let messages = events.withLock { $0 }.filter { $0.image == images[2].path && $0.kind == .message }.map(\.step)
        for kernel in kernels {
            #expect(messages.contains("mkdumprd for \(kernel) started"), "\(messages)")
            #expect(messages.contains { $0.hasPrefix("mkdumprd for \(kernel) finished after ") }, "\(messages)")
        }
        let steps = events.withLock { $0 }.filter { $0.kind == .step }
        #expect(steps.contains { $0.image == images[2].path && $0.step == "rebuilding 2 kdump initrds (\(kernels.joined(separator: ", "))), 2 at a time" }
                || ProcessInfo.processInfo.activeProcessorCount < 2)
        #expect(steps.contains { $0.image == images[3].path && $0.step == "rebuilding 2 kdump initrds (\(kernels.joined(separator: ", "))), 1 at a time" })

        // el6 rebuilt with --allow-missing: the appliance's own modules are not in the guest kernel.
        #expect(reports[0].changes.contains("run /sbin/mkdumprd -d -f --allow-missing /boot/initrd-\(Self.el6Kernel)kdump.img \(Self.el6Kernel)"))
        // The verifying audit predicted the first-boot rebuilds, and why.
        let el6Boot = try #require(reports[0].findings.first { $0.check.rawValue == "kdump.initrd" }?.firstBoot?.first)
        #expect(el6Boot.rebuilt && el6Boot.reasons.first?.hasPrefix("extra_modules is set") == true, "\(el6Boot)")
        let el7Boot = try #require(reports[2].findings.first { $0.check.rawValue == "kdump.initrd" }?.firstBoot)
        #expect(el7Boot.count == 2)
        for kernel in el7Boot {
            #expect(kernel.rebuilt && kernel.reasons.contains { $0.contains("the dump target's driver on Azure (hv_storvsc) is not in the initrd's usr/lib/dracut/loaded-kernel-modules.txt") },
                    "\(kernel)")
        }

        let handle = try ApplianceLauncher.launch(policy: Self.policy) { handle in
            for image in images { try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: false)) }
        }
        let devices = try handle.listDevices()
        // Files kept their owner, mode and label; new files took a sibling's label; the initrds hold
        // what the profile needs and none of the blacklisted drivers.
        for device in devices {
            try mount(handle, device, options: "ro")
            let status = try handle.lstat("/etc/kdump.conf")
            #expect(status.permissions == 0o640 && status.uid == 0 && status.gid == 4)
            #expect(try handle.extendedAttribute("security.selinux", of: "/etc/kdump.conf") == Self.kdumpLabel)
            #expect(try handle.list("/etc").filter { $0.hasPrefix(".kdumpbake-") }.isEmpty)
            #expect(try !handle.exists("/.autorelabel"))
            if try handle.isFile("/etc/redhat-release"), try handle.cat("/etc/redhat-release").contains("release 6.4") {
                #expect(try handle.extendedAttribute("security.selinux", of: "/etc/sysctl.conf") == Self.label)
                let modules = try handle.initrdList("/boot/initrd-\(Self.el6Kernel)kdump.img").map { ($0 as NSString).lastPathComponent }
                #expect(Set(["ata_piix.ko", "sr_mod.ko", "sd_mod.ko"]).isSubset(of: modules))
                #expect(modules.allSatisfy { !$0.hasPrefix("hv_") && $0 != "hid-hyperv.ko" })
            } else {
                #expect(try handle.extendedAttribute("security.selinux", of: "/etc/sysctl.d/99-zz-kdumpbake.conf") == Self.label)
                for kernel in kernels {
                    let modules = try handle.initrdList("/boot/initramfs-\(kernel)kdump.img").map { ($0 as NSString).lastPathComponent }
                    #expect(Set(["hv_vmbus.ko", "hv_storvsc.ko"]).isSubset(of: modules), "\(kernel): \(modules)")
                }
            }
            try handle.unmountAll()
        }

        // el6 (the raw image): without --allow-missing the guest's mkdumprd aborts on the appliance's loaded modules.
        try mount(handle, devices[0], options: "")
        let abort = #expect(throws: GuestfsError.self) {
            try handle.command(["/sbin/mkdumprd", "-d", "-f", "/tmp/no-allow-missing.img", Self.el6Kernel])
        }
        #expect(abort?.message.contains("found for kernel \(Self.el6Kernel), aborting.") == true, "\(abort?.message ?? "")")
        #expect(try !handle.exists("/tmp/no-allow-missing.img"))

        // el6 first boot on Azure: the init script rebuilds because of extra_modules, with hv_* loaded.
        try installAzureLsmod(handle)
        let el6Start = try handle.command(["/usr/bin/env", Self.azurePath, "KDUMP_STANDIN_UNAME_R=\(Self.el6Kernel)", "/etc/init.d/kdump", "start"])
        #expect(el6Start.contains("has extra_modules (rebuilt at every start)"), "\(el6Start)")
        #expect(el6Start.contains("Starting kdump: [  OK  ]"), "\(el6Start)")
        try handle.unmountAll()

        // el7 (the raw image) first boot on Azure: kdumpctl accepts the configuration and rebuilds for the hardware.
        try mount(handle, devices[2], options: "")
        try installAzureLsmod(handle)
        let el7Start = try handle.command(["/usr/bin/env", Self.azurePath, "KDUMP_STANDIN_UNAME_R=\(Self.el7Kernel)", "/usr/bin/kdumpctl", "start"])
        #expect(el7Start.contains("hv_storvsc"), "\(el7Start)")
        #expect(el7Start.contains("Starting kdump: [OK]"), "\(el7Start)")
        // …and refuses the el6 recipe exactly as the audit says it does.
        let kdumpConf = try handle.cat("/etc/kdump.conf")
        try handle.write("/etc/kdump.conf", text: kdumpConf + "blacklist hv_vmbus\n")
        let refused = #expect(throws: GuestfsError.self) {
            try handle.command(["/usr/bin/env", Self.azurePath, "KDUMP_STANDIN_UNAME_R=\(Self.el7Kernel)", "/usr/bin/kdumpctl", "start"])
        }
        #expect(refused?.message.contains("Deprecated kdump config option: blacklist. Refer to kdump.conf manpage for alternatives.") == true)
        try handle.write("/etc/kdump.conf", text: kdumpConf)
        try handle.unmountAll()
        try handle.shutdown()

        // The audit calls every image compliant: the VHDs as patched, the raw images with the initrds
        // their services built on "Azure". el6: the blacklisted Hyper-V modules are inside (lsmod had
        // them) but /init never loads them.
        let audits = AuditRunner.audit(images.map(\.path), options: AuditOptions(manifest: .builtin(), launchPolicy: Self.policy))
        for audit in audits {
            #expect(audit.compliant, "\(audit.path): \(audit.findings.filter { $0.status.breaksCompliance })")
        }
        let el6Modules = try #require(audits[0].findings.first { $0.check.rawValue == "kdump.initrd_modules" })
        #expect(el6Modules.message.contains("blacklisted hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv inside the initrd but never loaded"), "\(el6Modules.message)")
        #expect(el6Modules.actual?.contains("ata_piix prefer_ms_hyperv=0") == true, "\(el6Modules.actual ?? "")")
        let el7Modules = try #require(audits[2].findings.first { $0.check.rawValue == "kdump.initrd_modules" })
        #expect(el7Modules.status == .pass, "\(el7Modules.message)")

        // Still an Azure fixed VHD: same size, valid footer.
        for (image, footer) in zip(images.filter { $0.format == .vhd }, footers) {
            let after = try VHDFooter.read(path: image.path)
            #expect(after.diskType == .fixed && after.checksumIsValid && after.currentSize == footer.currentSize)
            #expect((try FileManager.default.attributesOfItem(atPath: image.path)[.size] as? NSNumber)?.uint64Value == footer.currentSize + 512)
        }

        // A second patch, and a dry run, change nothing.
        let before = try FileFingerprint(images[1].path)
        let again = try CLIRun.run(["patch", "--in-place", images[1].path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already compliant"))
        let dry = try CLIRun.run(["patch", "--dry-run", images[1].path])
        #expect(dry.status == 0)
        #expect(try FileFingerprint(images[1].path) == before)
    }

    /// Mounts a look-alike's root (xfs copies share a UUID, hence nouuid) and its /boot.
    private func mount(_ handle: GuestfsHandle, _ device: String, options: String) throws {
        let root = device + "2"
        let xfs = try handle.filesystemType(root) == "xfs"
        try handle.mount(root, at: "/", options: [options, xfs ? "nouuid" : ""].filter { !$0.isEmpty }.joined(separator: ","))
        try handle.mount(device + "1", at: "/boot", options: options)
    }

    private func installAzureLsmod(_ handle: GuestfsHandle) throws {
        try handle.makeDirectories("/tmp/azure")
        try handle.write("/tmp/azure/lsmod", text: Self.azureLsmod)
        try handle.setPermissions(0o755, of: "/tmp/azure/lsmod")
    }

    /// Opens all images in one appliance and calls `body` with each one's device.
    private func withGuests(_ images: [TestImage], writable: Bool, _ body: (GuestfsHandle, String) throws -> Void) throws {
        let handle = try ApplianceLauncher.launch(policy: Self.policy) { handle in
            for image in images { try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: !writable)) }
        }
        for device in try handle.listDevices() { try body(handle, device) }
        try handle.shutdown()
    }
}
