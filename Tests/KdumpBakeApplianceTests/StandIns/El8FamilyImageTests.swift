import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

extension BootAndLookalikeLane {
    /// RHEL 8.9 and 9.3 look-alikes (`GuestRecipe.rhel89`, `.rhel93`) through audit, patch, a second patch
    /// and their own stand-in kdump service. Facts: kdump-other-families.md, cited by line. One test, so the
    /// appliances are launched as few times as the steps need (each audit or patch call holds all images).
    @Suite struct El8FamilyImageTests {
        static let policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment)
        static let path = "PATH=/tmp/azure:/sbin:/usr/sbin:/bin:/usr/bin"
        static let rhel9Default = "1G-4G:192M,4G-64G:256M,64G-:512M"
        static let el9Kernels = ["5.14.0-362.8.1.el9_3.x86_64", "5.14.0-284.11.1.el9_2.x86_64"]
        static let el8Kernel = "4.18.0-513.5.1.el8_9.x86_64"

        /// What lsmod prints on a RHEL guest booted on an Azure NVMe size.
        static let azureLsmod = """
            #!/bin/sh
            echo "Module                  Size  Used by"
            for m in hv_vmbus hv_storvsc hv_netvsc hv_utils nvme nvme_core sd_mod; do echo "$m 16384 0"; done

            """

        @Test func auditPatchAndTheirOwnKdumpService() throws {
            // ---- audit: stock 9.3, 9.3 still on crashkernel=auto, stock 8.9 (one appliance) ----
            let stock = try [GuestRecipe.rhel93, .rhel93CrashkernelAuto, .rhel89].map { try TestImageBuilder.image($0, format: .raw) }
            let audits = AuditRunner.audit(stock.map(\.path), options: AuditOptions(manifest: .builtin(), launchPolicy: Self.policy))
            try #require(audits.count == 3)
            func finding(_ report: ImageReport, _ check: String) -> Finding? { report.findings.first { $0.check.rawValue == check } }
            func finding(_ report: PatchReport, _ check: String) -> Finding? { report.findings.first { $0.check.rawValue == check } }
            for report in audits {
                #expect(report.profile == "el8-azure", "\(report.path)")
                #expect(!report.compliant)
                #expect(finding(report, "sysctl.kernel_panic")?.status == .fail)
                #expect(finding(report, "kdump.config")?.message.contains("dracut_args --add-drivers lacks hv_vmbus hv_storvsc hv_netvsc nvme") == true)
                #expect(finding(report, "kdump.enabled")?.status == .pass)
            }
            #expect(audits[0].os?.version == "9.3" && audits[2].os?.version == "8.9")
            #expect(finding(audits[0], "kdump.config")?.rules?.hasSuffix("RHEL 9 rules") == true)
            // L59–61: 9.3 with its own default reserves memory; with `auto` nothing is reserved.
            #expect(finding(audits[0], "boot.crashkernel")?.status == .pass)
            let auto = try #require(finding(audits[1], "boot.crashkernel"))
            #expect(auto.status == .fail)
            #expect(auto.message.contains("boots with crashkernel=auto: RHEL 9 kernels do not honour crashkernel=auto (only RHEL 8 and older do): nothing is reserved and kdump never arms"), "\(auto.message)")
            // L78–82: 8.9's entries take kernelopts from grubenv, which lacks crashkernel= here.
            #expect(finding(audits[2], "boot.crashkernel")?.message.contains("(\(Self.el8Kernel)) boots without crashkernel=") == true)

            // ---- patch 9.3-with-auto and 8.9 ----
            let images = try [GuestRecipe.rhel93CrashkernelAuto, .rhel89].map { try TestImageBuilder.scratchCopy($0, format: .raw) }
            defer { images.forEach { $0.discardScratch() } }
            let reports = PatchRunner.patch(images.map(\.path), options: PatchOptions(manifest: .builtin(), destination: .inPlace, launchPolicy: Self.policy))
            for report in reports {
                #expect(report.status == .patched, "\(report.message) \(report.findings.filter { $0.status.breaksCompliance })")
            }
            // L143: every entry, /etc/kernel/cmdline and GRUB_CMDLINE_LINUX; L78–82: grubenv on 8.
            #expect(reports[0].changes.filter { $0.contains("/boot/loader/entries/") }.count == 2, "\(reports[0].changes)")
            #expect(reports[0].changes.contains { $0.contains("/etc/kernel/cmdline") }, "\(reports[0].changes)")
            #expect(reports[1].changes.contains { $0.contains("/boot/grub2/grubenv") }, "\(reports[1].changes)")
            #expect(!reports[1].changes.contains { $0.contains("/boot/loader/entries/") }, "\(reports[1].changes)")
            // L120, L141–142: with force_no_rebuild 1 the verified initrd survives the first boot.
            for report in reports {
                for kernel in try #require(finding(report, "kdump.initrd")?.firstBoot) {
                    #expect(!kernel.rebuilt && kernel.reasons.first?.hasPrefix("force_no_rebuild 1") == true, "\(kernel)")
                }
                #expect(finding(report, "kdump.initrd_modules")?.status == .pass)
            }

            // ---- a second patch changes nothing ----
            // On 8.9 only, whose grubenv block is the subtle read-back; that a second plan edits no BLS entry,
            // /etc/kernel/cmdline or grubenv on either release is BootLoaderSpecCrashkernelTests' (no appliance).
            let before = try FileFingerprint(images[1].path)
            let again = PatchRunner.patch([images[1].path], options: PatchOptions(manifest: .builtin(), destination: .inPlace, launchPolicy: Self.policy))
            for report in again { #expect(report.status == .alreadyCompliant, "\(report.message)") }
            #expect(try FileFingerprint(images[1].path) == before)

            // ---- the files, byte for byte, and the guests' own kdumpctl (one appliance) ----
            let handle = try ApplianceLauncher.launch(policy: Self.policy) { handle in
                for image in images { try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: false)) }
            }
            let devices = try handle.listDevices()

            try mount(handle, devices[0])
            for kernel in Self.el9Kernels {
                let entry = try handle.cat("/boot/loader/entries/9393939393939393939393939393930a-\(kernel).conf")
                #expect(entry.contains("options root=UUID=f0000093-0930-4093-8093-000000000002 ro crashkernel=\(Self.rhel9Default) console=tty1"), "\(entry)")
                let listing = try handle.initrdList("/boot/initramfs-\(kernel)kdump.img")
                let modules = listing.map { ($0 as NSString).lastPathComponent }
                #expect(Set(["hv_vmbus.ko", "hv_storvsc.ko", "hv_netvsc.ko", "nvme.ko"]).isSubset(of: modules), "\(kernel): \(modules)")
                // L117–119: 9.3 records the build machine's modules in hostonly-kernel-modules.txt.
                #expect(listing.contains { $0.hasSuffix("usr/lib/dracut/hostonly-kernel-modules.txt") }, "\(listing)")
            }
            #expect(try handle.cat("/etc/kernel/cmdline").contains("ro crashkernel=\(Self.rhel9Default) console=tty1"))
            #expect(try handle.cat("/etc/default/grub").contains("GRUB_CMDLINE_LINUX=\"crashkernel=\(Self.rhel9Default) console=tty1"))
            try installAzureLsmod(handle)
            let start9 = try handle.command(["/usr/bin/env", Self.path, "KDUMP_STANDIN_UNAME_R=\(Self.el9Kernels[0])", "/usr/bin/kdumpctl", "start"])
            #expect(start9.contains("force_no_rebuild is set"), "\(start9)")
            #expect(start9.contains("Starting kdump: [OK]"), "\(start9)")
            // Without force_no_rebuild, 9.3's driver check rebuilds the appliance-built initrd (L117–124).
            let conf9 = try handle.cat("/etc/kdump.conf")
            try handle.write("/etc/kdump.conf", text: conf9.replacingOccurrences(of: "force_no_rebuild 1\n", with: ""))
            let rebuilt = try handle.command(["/usr/bin/env", Self.path, "KDUMP_STANDIN_UNAME_R=\(Self.el9Kernels[0])", "/usr/bin/kdumpctl", "start"])
            #expect(rebuilt.contains("Detected change in block device driver, new loaded module: hv_storvsc"), "\(rebuilt)")
            // L40–42: the el6 recipe is fatal on 9 too.
            try handle.write("/etc/kdump.conf", text: conf9 + "blacklist hv_vmbus\n")
            let refused = #expect(throws: GuestfsError.self) {
                try handle.command(["/usr/bin/env", Self.path, "KDUMP_STANDIN_UNAME_R=\(Self.el9Kernels[0])", "/usr/bin/kdumpctl", "start"])
            }
            #expect(refused?.message.contains("Deprecated kdump config option: blacklist. Refer to kdump.conf manpage for alternatives.") == true)
            try handle.unmountAll()

            try mount(handle, devices[1])
            let env = try handle.readFile("/boot/grub2/grubenv")
            #expect(env.count == 1024)
            let text = String(decoding: env, as: UTF8.self)
            #expect(text.contains("\nkernelopts=root=UUID=f0000089-0890-4089-8089-000000000002 ro console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300 crashkernel=auto\n"), "\(text)")
            #expect(try handle.cat("/boot/loader/entries/8989898989898989898989898989890a-\(Self.el8Kernel).conf").contains("options $kernelopts $tuned_params\n"))
            let conf8 = try handle.cat("/etc/kdump.conf")
            #expect(!conf8.contains("auto_reset_crashkernel"))
            // L46–47: auto_reset_crashkernel is unknown to 8's kdumpctl.
            try handle.write("/etc/kdump.conf", text: conf8 + "auto_reset_crashkernel yes\n")
            let unknown = #expect(throws: GuestfsError.self) {
                try handle.command(["/usr/bin/env", Self.path, "KDUMP_STANDIN_UNAME_R=\(Self.el8Kernel)", "/usr/bin/kdumpctl", "start"])
            }
            #expect(unknown?.message.contains("Invalid kdump config option auto_reset_crashkernel") == true, "\(unknown?.message ?? "")")
            // L105–106: mkdumprd refuses a dump path that does not exist.
            try handle.write("/etc/kdump.conf", text: conf8.replacingOccurrences(of: "path /var/crash", with: "path /var/nowhere"))
            let noPath = #expect(throws: GuestfsError.self) {
                try handle.command(["/usr/sbin/mkdumprd", "-f", "/tmp/x.img", Self.el8Kernel])
            }
            #expect(noPath?.message.contains("Dump path \"/var/nowhere\" does not exist in dump target") == true, "\(noPath?.message ?? "")")
            try handle.unmountAll()
            try handle.shutdown()
        }

        private func mount(_ handle: GuestfsHandle, _ device: String) throws {
            try handle.mount(device + "2", at: "/", options: "nouuid")
            try handle.mount(device + "1", at: "/boot", options: "")
        }

        private func installAzureLsmod(_ handle: GuestfsHandle) throws {
            try handle.makeDirectories("/tmp/azure")
            try handle.write("/tmp/azure/lsmod", text: Self.azureLsmod)
            try handle.setPermissions(0o755, of: "/tmp/azure/lsmod")
        }
    }
}
