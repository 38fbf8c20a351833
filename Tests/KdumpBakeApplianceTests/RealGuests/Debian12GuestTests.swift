import Foundation
import Guestfs
import KdumpBakeAppliance
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

extension DebianGuestLane {
    /// The real Debian 12 guest (`RealGuest.debian12`, debootstrap from deb.debian.org) is what it claims: a
    /// Debian 12 with two kernels and the real kdump-tools 1.8.1 as `apt install kdump-tools` leaves it
    /// (reference "Debian 12 test guest", L360–380). The first run builds the image (root, network, ~2 min).
    /// Kernel versions are read from the image: the mirror decides them on the day the cache is built.
    @Suite struct Debian12GuestTests {
        /// One appliance launch: inspection, the package database and the files kdump-tools' postinst wrote,
        /// on the raw image and its fixed VHD side by side.
        @Test func isARealDebian12WithKdumpToolsAndTwoKernels() throws {
            let images = try [TestImageBuilder.image(RealGuest.debian12, format: .raw),
                              TestImageBuilder.image(RealGuest.debian12, format: .vhd)]
            let handle = try ApplianceLauncher.launch(policy: .fromEnvironment(ProcessInfo.processInfo.environment)) { handle in
                for image in images {
                    try handle.addDrive(image.path, DriveOptions(format: .init(rawValue: image.guestfsFormat), readonly: true))
                }
            }

            let roots = try handle.inspectOS().sorted()
            #expect(roots == ["/dev/sda1", "/dev/sdb1"])
            for root in roots {
                let os = try handle.inspect(root: root)
                #expect(os.type == "linux")
                #expect(os.distro == "debian")
                #expect(os.majorVersion == 12, "\(root): \(os.productName)")
                #expect(os.packageFormat == "deb")
                #expect(os.mountpoints.map(\.mountpoint) == ["/"], "Debian cloud images keep /boot inside /")
            }

            try handle.mountReadOnly("/dev/sda1", at: "/")
            #expect(try handle.filesystemUUID("/dev/sda1") == RealGuest.debian12.rootUUID)

            // Two real kernels, each with the boot initramfs its postinst built (zstd, Debian 12's COMPRESS).
            let kernels = try handle.list("/boot").filter { $0.hasPrefix("vmlinuz-") }.map { String($0.dropFirst(8)) }.sorted()
            #expect(kernels.count == 2, "\(kernels)")
            #expect(kernels.contains { $0.hasSuffix("-cloud-amd64") } && kernels.contains { !$0.hasSuffix("-cloud-amd64") })
            for kernel in kernels {
                #expect(try handle.isFile("/boot/initrd.img-\(kernel)"))
                #expect(try handle.isDirectory("/usr/lib/modules/\(kernel)/kernel"))
            }
            let initramfsConf = try handle.cat("/etc/initramfs-tools/initramfs.conf")
            #expect(initramfsConf.contains("\nCOMPRESS=zstd\n") && initramfsConf.contains("\nMODULES=most\n"))

            // The real packages (reference L14–16, L362–364), from the dpkg database.
            let applications = try handle.installedApplications(root: "/dev/sda1")
            let version = { (name: String) in applications.first { $0.name == name }.map { "\($0.epoch):\($0.version)" } }
            #expect(version("kdump-tools") == "1:1.8.1")
            #expect(version("kexec-tools")?.hasPrefix("1:2.0.25") == true)
            #expect(version("makedumpfile")?.hasPrefix("1:1.7.2") == true)
            #expect(version("initramfs-tools-core")?.hasPrefix("0:0.142") == true)

            // What kdump-tools' postinst wrote (L367–370): USE_KDUMP=1, the grub.d reservation, the service link,
            // the capture-boot sysctl file, and the real tools.
            #expect(try handle.isFile("/usr/sbin/kdump-config"))
            #expect(try handle.isFile("/etc/kernel/postinst.d/kdump-tools"))
            #expect(try handle.isFile("/usr/sbin/mkinitramfs"))
            #expect(try handle.cat("/etc/default/kdump-tools").split(separator: "\n").contains("USE_KDUMP=1"))
            #expect(try handle.cat("/etc/default/grub.d/kdump-tools.cfg")
                .contains("GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M\""))
            #expect(try handle.readlink("/etc/systemd/system/basic.target.wants/kdump-tools.service")
                == "/lib/systemd/system/kdump-tools.service")
            #expect(try handle.isFile("/etc/kdump/sysctl.conf"))
            // procps' /etc/sysctl.conf behind systemd's 99-sysctl.conf link (L236).
            #expect(try handle.readlink("/etc/sysctl.d/99-sysctl.conf") == "../sysctl.conf")
            #expect(try handle.isFile("/etc/sysctl.conf"))

            // No kdump initrd: the hook is a conffile, in place only after the kernels were configured (L369–370).
            #expect(try handle.list("/var/lib/kdump") == [])

            // The look-alike grub.cfg: the reservation is configured in grub.d but not active, because
            // update-grub never ran after kdump-tools' postinst (no grub package, no grub.cfg at that time).
            let grubCfg = try handle.cat("/boot/grub/grub.cfg")
            let linuxLines = grubCfg.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("linux\t") }
            #expect(linuxLines.count == 1 + 2 * kernels.count)
            #expect(linuxLines.allSatisfy { $0.contains("root=UUID=\(RealGuest.debian12.rootUUID) ro ") })
            #expect(!grubCfg.contains("crashkernel="))
            #expect(grubCfg.contains("--class debian --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-\(RealGuest.debian12.rootUUID)'"))
            #expect(try handle.cat("/etc/fstab").contains("UUID=\(RealGuest.debian12.rootUUID) / ext4 "))
            #expect(try handle.cat("/etc/hostname") == "debian12\n")
            try handle.unmountAll()
        }

        /// `kdumpbake audit` (its own appliance launch) judges the real guest by the debian-azure profile and the
        /// guest's own kdump-tools release: installed, enabled and configured by its package, but with no kdump
        /// initrd yet, no crashkernel= on the boot entries (grub.cfg predates kdump-tools' grub.d file) and no
        /// kernel.panic.
        @Test func auditJudgesItByItsOwnKdumpTools() throws {
            let image = try TestImageBuilder.image(RealGuest.debian12, format: .vhd)
            let run = try CLIRun.run(["audit", "--format", "json", image.path])
            let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
            let entry = try #require((document["images"] as? [[String: Any]])?.first)
            let os = try #require(entry["os"] as? [String: String])
            #expect(os["distro"] == "debian")
            #expect(os["version"] == "12", "as os-release writes it")
            #expect(os["product"] == "Debian GNU/Linux 12 (bookworm)")
            #expect(entry["format"] as? String == "vhd")

            #expect(run.status == 1, "\(run.stderr)")
            let findings = try #require(entry["findings"] as? [[String: Any]])
            func status(_ check: String) -> String? { findings.first { $0["check"] as? String == check }?["status"] as? String }
            func message(_ check: String) -> String { findings.first { $0["check"] as? String == check }?["message"] as? String ?? "" }
            #expect(status("os.supported") == "pass" && message("os.supported").contains("profile debian-azure"))
            #expect(status("kdump.installed") == "pass")
            #expect(status("kdump.config") == "pass", "\(message("kdump.config"))")
            #expect(message("kdump.config").contains("reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"))
            #expect(status("kdump.enabled") == "pass")
            #expect(status("kdump.initrd") == "warn" && message("kdump.initrd").contains("no /var/lib/kdump/initrd.img-"))
            #expect(status("boot.crashkernel") == "fail")
            #expect(status("sysctl.kernel_panic") == "fail")
            #expect(message("sysctl.kernel_panic").contains("without panic=5"))
        }
    }
}
