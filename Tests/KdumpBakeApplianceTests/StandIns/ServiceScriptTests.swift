import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import Testing

/// The guests' own kdump service stand-ins (el6 `/etc/init.d/kdump start`, el7 `kdumpctl`), which
/// follow Red Hat's scripts as the reference describes them, run on images kdumpbake patched:
/// they accept the configuration, rebuild at "first boot" for the reasons the audit predicted,
/// and the initrd they build on Azure-like hardware still passes the audit. Also proves why the
/// offline el6 rebuild needs `--allow-missing`.
@Suite struct ServiceScriptTests {
    static let policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment)
    static let el6Kernel = "2.6.32-358.el6.x86_64"
    static let el7Kernel = "3.10.0-1160.el7.x86_64"
    static let path = "PATH=/tmp/azure:/sbin:/usr/sbin:/bin:/usr/bin"

    /// What lsmod prints on a CentOS guest booted on Azure (the modules the test kernels have).
    static let azureLsmod = """
        #!/bin/sh
        echo "Module                  Size  Used by"
        for m in hv_vmbus hv_storvsc hv_netvsc hv_utils hid_hyperv scsi_transport_fc ata_piix sd_mod sr_mod cdrom; do
            echo "$m 16384 0"
        done

        """

    @Test func patchedImagesAreAcceptedByTheirOwnKdumpService() throws {
        let images = try [GuestRecipe.centos64, .centos79].map { try TestImageBuilder.scratchCopy($0, format: .raw) }
        defer { images.forEach { $0.discardScratch() } }

        let reports = PatchRunner.patch(images.map(\.path), options: PatchOptions(manifest: .builtin(), destination: .inPlace, launchPolicy: Self.policy))
        for report in reports { #expect(report.status == .patched, "\(report.message) \(report.findings)") }
        // el6 rebuilt with --allow-missing: the appliance's own modules are not in the guest kernel.
        #expect(reports[0].changes.contains("run /sbin/mkdumprd -d -f --allow-missing /boot/initrd-\(Self.el6Kernel)kdump.img \(Self.el6Kernel)"))

        // The verifying audit predicted the first-boot rebuilds, and why.
        let el6Boot = try #require(reports[0].findings.first { $0.check.rawValue == "kdump.initrd" }?.firstBoot?.first)
        #expect(el6Boot.rebuilt && el6Boot.reasons.first?.hasPrefix("extra_modules is set") == true, "\(el6Boot)")
        let el7Boot = try #require(reports[1].findings.first { $0.check.rawValue == "kdump.initrd" }?.firstBoot)
        #expect(el7Boot.count == 2)
        for kernel in el7Boot {
            #expect(kernel.rebuilt && kernel.reasons.contains { $0.contains("the dump target's driver on Azure (hv_storvsc) is not in the initrd's usr/lib/dracut/loaded-kernel-modules.txt") },
                    "\(kernel)")
        }

        let handle = try ApplianceLauncher.launch(policy: Self.policy) { handle in
            for image in images { try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: false)) }
        }
        let devices = try handle.listDevices()

        // el6: without --allow-missing the guest's mkdumprd aborts on the appliance's loaded modules.
        try mount(handle, devices[0])
        let abort = #expect(throws: GuestfsError.self) {
            try handle.command(["/sbin/mkdumprd", "-d", "-f", "/tmp/no-allow-missing.img", Self.el6Kernel])
        }
        #expect(abort?.message.contains("found for kernel \(Self.el6Kernel), aborting.") == true, "\(abort?.message ?? "")")
        #expect(try !handle.exists("/tmp/no-allow-missing.img"))

        // el6 first boot on Azure: the init script rebuilds because of extra_modules, with hv_* loaded.
        try installAzureLsmod(handle)
        let el6Start = try handle.command(["/usr/bin/env", Self.path, "KDUMP_STANDIN_UNAME_R=\(Self.el6Kernel)", "/etc/init.d/kdump", "start"])
        #expect(el6Start.contains("has extra_modules (rebuilt at every start)"), "\(el6Start)")
        #expect(el6Start.contains("Starting kdump: [  OK  ]"), "\(el6Start)")
        try handle.unmountAll()

        // el7 first boot on Azure: kdumpctl accepts the configuration and rebuilds for the hardware.
        try mount(handle, devices[1])
        try installAzureLsmod(handle)
        let el7Start = try handle.command(["/usr/bin/env", Self.path, "KDUMP_STANDIN_UNAME_R=\(Self.el7Kernel)", "/usr/bin/kdumpctl", "start"])
        #expect(el7Start.contains("hv_storvsc"), "\(el7Start)")
        #expect(el7Start.contains("Starting kdump: [OK]"), "\(el7Start)")
        // …and refuses the el6 recipe exactly as the audit says it does.
        let kdumpConf = try handle.cat("/etc/kdump.conf")
        try handle.write("/etc/kdump.conf", text: kdumpConf + "blacklist hv_vmbus\n")
        let refused = #expect(throws: GuestfsError.self) {
            try handle.command(["/usr/bin/env", Self.path, "KDUMP_STANDIN_UNAME_R=\(Self.el7Kernel)", "/usr/bin/kdumpctl", "start"])
        }
        #expect(refused?.message.contains("Deprecated kdump config option: blacklist. Refer to kdump.conf manpage for alternatives.") == true)
        try handle.write("/etc/kdump.conf", text: kdumpConf)
        try handle.unmountAll()
        try handle.shutdown()

        // The initrds the services built on "Azure" still pass the audit. el6: the blacklisted
        // Hyper-V modules are inside (lsmod had them) but /init never loads them.
        let audits = AuditRunner.audit(images.map(\.path), options: AuditOptions(manifest: .builtin(), launchPolicy: Self.policy))
        for audit in audits {
            #expect(audit.compliant, "\(audit.path): \(audit.findings.filter { $0.status.breaksCompliance })")
        }
        let el6Modules = try #require(audits[0].findings.first { $0.check.rawValue == "kdump.initrd_modules" })
        #expect(el6Modules.message.contains("blacklisted hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv inside the initrd but never loaded"), "\(el6Modules.message)")
        #expect(el6Modules.actual?.contains("ata_piix prefer_ms_hyperv=0") == true, "\(el6Modules.actual ?? "")")
        let el7Modules = try #require(audits[1].findings.first { $0.check.rawValue == "kdump.initrd_modules" })
        #expect(el7Modules.status == .pass, "\(el7Modules.message)")
    }

    private func mount(_ handle: GuestfsHandle, _ device: String) throws {
        let root = device + "2"
        try handle.mount(root, at: "/", options: try handle.filesystemType(root) == "xfs" ? "nouuid" : "")
        try handle.mount(device + "1", at: "/boot", options: "")
    }

    private func installAzureLsmod(_ handle: GuestfsHandle) throws {
        try handle.makeDirectories("/tmp/azure")
        try handle.write("/tmp/azure/lsmod", text: Self.azureLsmod)
        try handle.setPermissions(0o755, of: "/tmp/azure/lsmod")
    }
}
