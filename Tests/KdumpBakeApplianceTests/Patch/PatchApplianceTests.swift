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
@Suite struct PatchApplianceTests {
    static let policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment)
    static let label = Array("system_u:object_r:etc_t:s0".utf8)
    static let kdumpLabel = Array("system_u:object_r:kdump_etc_t:s0".utf8)

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

        // The audit calls every patched image compliant.
        let audits = AuditRunner.audit(images.map(\.path), options: AuditOptions(manifest: .builtin(), launchPolicy: Self.policy))
        for audit in audits {
            #expect(audit.compliant, "\(audit.path): \(audit.findings.filter { $0.status.breaksCompliance })")
        }

        // Files kept their owner, mode and label; new files took a sibling's label; the initrds hold
        // what the profile needs and none of the blacklisted drivers.
        try withGuests(images, writable: false) { handle, device in
            try handle.mount(device + "2", at: "/", options: try handle.filesystemType(device + "2") == "xfs" ? "ro,nouuid" : "ro")
            try handle.mount(device + "1", at: "/boot", options: "ro")
            let status = try handle.lstat("/etc/kdump.conf")
            #expect(status.permissions == 0o640 && status.uid == 0 && status.gid == 4)
            #expect(try handle.extendedAttribute("security.selinux", of: "/etc/kdump.conf") == Self.kdumpLabel)
            #expect(try handle.list("/etc").filter { $0.hasPrefix(".kdumpbake-") }.isEmpty)
            #expect(try !handle.exists("/.autorelabel"))
            if try handle.isFile("/etc/redhat-release"), try handle.cat("/etc/redhat-release").contains("release 6.4") {
                #expect(try handle.extendedAttribute("security.selinux", of: "/etc/sysctl.conf") == Self.label)
                let modules = try handle.initrdList("/boot/initrd-2.6.32-358.el6.x86_64kdump.img").map { ($0 as NSString).lastPathComponent }
                #expect(Set(["ata_piix.ko", "sr_mod.ko", "sd_mod.ko"]).isSubset(of: modules))
                #expect(modules.allSatisfy { !$0.hasPrefix("hv_") && $0 != "hid-hyperv.ko" })
            } else {
                #expect(try handle.extendedAttribute("security.selinux", of: "/etc/sysctl.d/99-zz-kdumpbake.conf") == Self.label)
                for kernel in ["3.10.0-1127.el7.x86_64", "3.10.0-1160.el7.x86_64"] {
                    let modules = try handle.initrdList("/boot/initramfs-\(kernel)kdump.img").map { ($0 as NSString).lastPathComponent }
                    #expect(Set(["hv_vmbus.ko", "hv_storvsc.ko"]).isSubset(of: modules), "\(kernel): \(modules)")
                }
            }
            try handle.unmountAll()
        }

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

    /// Opens all images in one appliance and calls `body` with each one's device.
    private func withGuests(_ images: [TestImage], writable: Bool, _ body: (GuestfsHandle, String) throws -> Void) throws {
        let handle = try ApplianceLauncher.launch(policy: Self.policy) { handle in
            for image in images { try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: !writable)) }
        }
        for device in try handle.listDevices() { try body(handle, device) }
        try handle.shutdown()
    }
}
