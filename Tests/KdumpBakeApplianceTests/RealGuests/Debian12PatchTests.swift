import Foundation
import Guestfs
import KdumpBakeAppliance
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

extension DebianGuestLane {
    /// `kdumpbake patch` on the real Debian 12 guest: the guest's own initramfs-tools builds the kdump initrd in the
    /// appliance, and the result is read back byte by byte. This guest is the reference the look-alikes imitate.
    ///
    /// Both kernels (cloud-amd64, the default, and amd64) are baked, side by side in the one appliance: a real
    /// mkinitramfs under TCG takes about two minutes per kernel, and two run in about the time of one.
    @Suite(.serialized) struct Debian12PatchTests {
        static let manifest = """
            version: 1
            profiles:
              - name: debian-azure-all-kernels
                family: kdump-tools
                match: {distro: [debian], versions: ">=11, <14"}
                values: {panic_timeout: 5, dump_path: /var/crash, extra_modules: [hv_vmbus, hv_storvsc, hv_netvsc, nvme, ata_piix],
                         crashkernel: any, ensure_crashkernel: true, boot_panic: true, enable_service: true}
                kernels: all
            """

        @Test func patchBuildsAVerifiedKdumpInitrdWithTheGuestsOwnTools() throws {
            let image = try TestImageBuilder.scratchCopy(RealGuest.debian12, format: .raw)
            defer { image.discardScratch() }
            let directory = try HostDirectory()
            let manifest = directory.path + "/manifest.yaml"
            try Data(Self.manifest.utf8).write(to: URL(fileURLWithPath: manifest))

            // One patch: files, the bake, verification by the audit, the commit.
            let patch = try CLIRun.run(["patch", "--in-place", "--manifest", manifest, image.path])
            #expect(patch.status == 0, "\(patch.stdout)\n\(patch.stderr)")
            #expect(patch.stdout.contains("patched with debian-azure-all-kernels and verified"), "\(patch.stdout)")
            #expect(patch.stdout.contains("write /boot/grub/grub.cfg (line-edit)"))
            let bakes = patch.stdout.split(separator: "\n").filter { $0.contains("run mkinitramfs -d /var/lib/kdump/initramfs-tools") }
            #expect(bakes.count == 2, "\(patch.stdout)")
            #expect(bakes.allSatisfy { $0.contains("-amd64 (MODULES=dep, plus hv_vmbus hv_storvsc hv_netvsc nvme ata_piix)") })
            #expect(bakes.contains { $0.contains("-cloud-amd64 (MODULES=dep") })
            #expect(patch.stderr.contains("rebuilding 2 kdump initrds"), "\(patch.stderr)")
            let finished = patch.stdout.split(separator: "\n").filter { $0.contains("mkinitramfs for ") && $0.contains(": exit 0 in ") }
            #expect(finished.count == 2, "each kernel's build reported with its exit status: \(patch.stdout)")

            // A second patch finds nothing to do and leaves every byte.
            let before = try FileFingerprint(image.path)
            let again = try CLIRun.run(["patch", "--in-place", "--manifest", manifest, image.path])
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            #expect(again.stdout.contains("already compliant"), "\(again.stdout)")
            #expect(try FileFingerprint(image.path) == before)

            // The bytes on the image.
            let handle = try ApplianceLauncher.launch(policy: .fromEnvironment(ProcessInfo.processInfo.environment)) { handle in
                try handle.addDrive(image.path, DriveOptions(format: .raw, readonly: true))
            }
            try handle.mountReadOnly("/dev/sda1", at: "/")
            let kernel = try #require(try handle.list("/boot").first { $0.hasPrefix("vmlinuz-") && $0.hasSuffix("-cloud-amd64") }).dropFirst(8)
            let initrd = "/var/lib/kdump/initrd.img-\(kernel)"
            // Both initrds and snapshots next to kdump-tools' one configuration copy, as its own hook leaves them.
            let state = try handle.list("/var/lib/kdump").sorted()
            #expect(state.filter { $0.hasPrefix("initrd.img-") }.count == 2 && state.filter { $0.hasPrefix("latest_sysctls-") }.count == 2, "\(state)")
            #expect(state.filter { $0.hasPrefix("initramfs-tools") } == ["initramfs-tools"], "\(state)")
            #expect(try !handle.list("/").contains { $0.hasPrefix(".kdumpbake-rebuild") })
            let hostCopy = directory.path + "/initrd.img"
            try handle.download(initrd, toHostFile: hostCopy)
            // The kdump-tools sysctl snapshot the first load compares, so it keeps this initrd (reference L216–220).
            #expect(try handle.cat("/var/lib/kdump/latest_sysctls-\(kernel)") == (try handle.cat("/etc/kdump/sysctl.conf")))
            // grub.cfg: the normal entries reserve memory and reboot on panic, the recovery entries stay as they were.
            let linuxLines = try handle.cat("/boot/grub/grub.cfg").split(separator: "\n").filter { $0.contains("\tlinux\t") || $0.hasPrefix("\tlinux") || $0.contains("linux\t/boot") }
            #expect(!linuxLines.isEmpty)
            for line in linuxLines {
                if line.split(separator: " ").contains("single") { #expect(!line.contains("crashkernel"), "\(line)") } else {
                    #expect(line.hasSuffix(" crashkernel=384M-:128M panic=5"), "\(line)")
                }
            }
            #expect(try handle.cat("/etc/default/grub.d/99-zz-kdumpbake.cfg").contains("GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT panic=5\""))
            let defaults = try handle.cat("/etc/default/kdump-tools")
            #expect(defaults.contains("# BEGIN kdumpbake managed block") && defaults.contains("\nUSE_KDUMP=1\n"))
            #expect(!defaults.contains("\nKDUMP_CMDLINE_APPEND="), "kdump-config's own default stays in force")
            #expect(try handle.cat("/etc/sysctl.d/99-zz-kdumpbake.conf").contains("kernel.panic = 5"))
            try handle.unmountAll()

            // What the initrd really holds, listed on the host by zstd and cpio, not by kdumpbake's reader.
            let archive = directory.path + "/initrd.cpio"
            #expect(try HostTool.run(["zstd", "-q", "-d", "-o", archive, hostCopy]).status == 0)
            let listing = try HostTool.run(["cpio", "-i", "-t", "--quiet", "-F", archive])
            #expect(listing.status == 0)
            let entries = Set(listing.output.split(separator: "\n").map(String.init))
            // ata_piix and its libata: the emulated IDE disk of Gen1 (KB2858695's capture path) and of `drill`.
            for module in ["drivers/hv/hv_vmbus.ko", "drivers/scsi/hv_storvsc.ko", "drivers/net/hyperv/hv_netvsc.ko",
                           "drivers/ata/ata_piix.ko", "drivers/ata/libata.ko"] {
                #expect(entries.contains("usr/lib/modules/\(kernel)/kernel/\(module)"), "\(module) missing")
            }
            #expect(entries.contains("etc/kdump/sysctl.conf"), "kdump-tools' initramfs hook ran (KDUMP=y)")
            // nvme and ext4 are built into the cloud kernel: nothing to carry.
            #expect(!entries.contains { $0.hasSuffix("/nvme.ko") })

            // Prove it: a throw-away copy boots, panics once kdump is armed, the capture kernel writes the dump
            // with this initrd, and the VM comes back by itself. The image is only read.
            let patched = try FileFingerprint(image.path)
            let reports = try HostDirectory()
            // One vCPU and 1 GiB, as in DrillTests: the capture kernel's makedumpfile walks half the memory.
            let drill = try CLIRun.run(["drill", "--report", reports.path, "--cpus", "1", "--memory", "1024", image.path])
            #expect(drill.status == 0, "\(drill.stdout)\n\(drill.stderr)")
            print("kdumpbake drill on the patched Debian 12 guest:\n\(drill.stderr)\(drill.stdout)")  // the README's transcript
            #expect(drill.stdout.contains("REBOOTED-WITH-DUMP"), "\(drill.stdout)")
            #expect(!drill.stderr.contains("did not exit within"), "qemu stops on the drill's signal: \(drill.stderr)")
            let json = try String(contentsOfFile: reports.path + "/drill.json", encoding: .utf8)
            let report = try #require(try DrillJSON.decode(json).images.first, "\(drill.stderr)")
            #expect(report.verdict == .rebootedWithDump, "\(report.reason)\n\(report.consoleTail.joined(separator: "\n"))")
            #expect(report.milestones == [.kernelStarted, .crashKernelReserved, .kdumpArmed, .triggerFired, .panic, .captureKernelStarted,
                                          .dumpWritten, .reboot, .secondBootKernel, .secondBootUserspace], "\(report.milestones)")
            let dumps = report.evidence?.files ?? []
            #expect(dumps.contains { ($0.path as NSString).lastPathComponent.hasPrefix("dump.") && $0.size > 1 << 20 }, "\(dumps)")
            #expect(dumps.contains { ($0.path as NSString).lastPathComponent.hasPrefix("dmesg.") && $0.size > 0 }, "\(dumps)")
            #expect(report.evidence?.dmesgMentionsPanic == true)
            #expect(try FileFingerprint(image.path) == patched, "drill never writes the image")
        }
    }
}
