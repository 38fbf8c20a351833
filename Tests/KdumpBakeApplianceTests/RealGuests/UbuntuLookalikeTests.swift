import Foundation
import Guestfs
import KdumpBakeAppliance
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

extension DebianGuestLane {
    /// The Ubuntu 22.04 and 24.04 look-alikes (`RealGuest.ubuntu2204Like`, `ubuntu2404Like`: the real Debian 12
    /// tree with an Ubuntu identity and those releases' kdump-tools facts) are recognised as Ubuntu, judged by
    /// `ubuntu-azure` and their own kdump-tools version, and patched around the release traps (reference L151–268):
    /// 22.04's default capture command line carries `ata_piix.prefer_ms_hyperv=0` (L171–176), 24.04 reserves
    /// `512M-:192M` (L186–191).
    ///
    /// Four appliance runs in all: one audit of both images (`--jobs 1`), one patch per image, one read-back of both. The patch
    /// keeps the kdump initrd (`initrd: keep`): the Debian 12 patch test already runs the guest's mkinitramfs,
    /// which under TCG takes minutes per kernel.
    @Suite(.serialized) struct UbuntuLookalikeTests {
        /// `ubuntu-azure` as built in, but `initrd: keep`.
        static let manifest = """
            version: 1
            profiles:
              - name: ubuntu-azure-keep-initrd
                family: kdump-tools
                match: {distro: [ubuntu], versions: ">=18.04, <25"}
                values: {panic_timeout: 5, dump_path: /var/crash, extra_modules: [hv_vmbus, hv_storvsc, hv_netvsc, nvme],
                         crashkernel: any, ensure_crashkernel: true, boot_panic: true, enable_service: true}
                initrd: keep
                kernels: all
            """

        /// kdump-config 1.8.1's default words (L167–169), which the 22.04 look-alike extends by the ata_piix trap.
        static let modernDefault = "reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"

        @Test func auditSeesUbuntuAndEachReleasesKdumpToolsTraps() throws {
            let jammy = try TestImageBuilder.image(RealGuest.ubuntu2204Like, format: .raw)
            let noble = try TestImageBuilder.image(RealGuest.ubuntu2404Like, format: .raw)
            let run = try CLIRun.run(["audit", "--jobs", "1", "--format", "json", jammy.path, noble.path])
            let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
            let entries = try #require(document["images"] as? [[String: Any]])
            #expect(entries.count == 2)
            #expect(run.status == 1, "\(run.stderr)")

            func entry(_ image: TestImage) throws -> (os: [String: String], findings: [[String: Any]]) {
                let found = try #require(entries.first { $0["path"] as? String == image.path }, "\(image.path)")
                return (try #require(found["os"] as? [String: String]), try #require(found["findings"] as? [[String: Any]]))
            }
            func finding(_ findings: [[String: Any]], _ check: String) -> [String: Any] {
                findings.first { $0["check"] as? String == check } ?? [:]
            }

            // libguestfs' inspection reads the look-alikes' os-release as Ubuntu.
            let j = try entry(jammy), n = try entry(noble)
            #expect(j.os["distro"] == "ubuntu" && j.os["version"] == "22.04", "\(j.os)")
            #expect(j.os["product"] == "Ubuntu 22.04.5 LTS", "\(j.os)")
            #expect(n.os["distro"] == "ubuntu" && n.os["version"] == "24.04", "\(n.os)")
            #expect(n.os["product"] == "Ubuntu 24.04.1 LTS", "\(n.os)")

            for (findings, version) in [(j.findings, "1:1.6.10ubuntu2"), (n.findings, "1:1.10.3ubuntu2")] {
                let supported = finding(findings, "os.supported")
                #expect(supported["status"] as? String == "pass")
                #expect((supported["message"] as? String)?.contains("profile ubuntu-azure") == true, "\(supported)")
                let config = finding(findings, "kdump.config")
                #expect((config["rules"] as? String)?.contains("kdump-tools \(version) (from the guest's dpkg status)") == true, "\(config)")
            }

            // 22.04: the default capture command line (L171–176) is a failure naming the word to drop.
            let jammyConfig = finding(j.findings, "kdump.config")
            #expect(jammyConfig["status"] as? String == "fail", "\(jammyConfig)")
            #expect((jammyConfig["message"] as? String)?.contains("ata_piix.prefer_ms_hyperv=0") == true, "\(jammyConfig)")
            // 24.04: kdump-config's default has no ata_piix word.
            let nobleConfig = finding(n.findings, "kdump.config")
            #expect(nobleConfig["status"] as? String == "pass", "\(nobleConfig)")
            #expect((nobleConfig["message"] as? String)?.contains("ata_piix") == false, "\(nobleConfig)")
        }

        @Test func patchRemovesTheAtaPiixTrapAndReservesEachReleasesDefault() throws {
            let jammy = try TestImageBuilder.scratchCopy(RealGuest.ubuntu2204Like, format: .raw)
            defer { jammy.discardScratch() }
            let noble = try TestImageBuilder.scratchCopy(RealGuest.ubuntu2404Like, format: .raw)
            defer { noble.discardScratch() }
            let directory = try HostDirectory()
            let manifest = directory.path + "/manifest.yaml"
            try Data(Self.manifest.utf8).write(to: URL(fileURLWithPath: manifest))

            let patch = try CLIRun.run(["patch", "--in-place", "--manifest", manifest, jammy.path, noble.path])
            #expect(patch.status == 0, "\(patch.stdout)\n\(patch.stderr)")
            #expect(!patch.stdout.contains("run mkinitramfs"), "initrd: keep runs no bake\n\(patch.stdout)")

            let handle = try ApplianceLauncher.launch(policy: .fromEnvironment(ProcessInfo.processInfo.environment)) { handle in
                try handle.addDrive(jammy.path, DriveOptions(format: .raw, readonly: true))
                try handle.addDrive(noble.path, DriveOptions(format: .raw, readonly: true))
            }
            /// The normal entries' `linux` lines must end in exactly `suffix`; recovery entries stay without crashkernel.
            func checkGrub(_ device: String, _ suffix: String) throws {
                try handle.mountReadOnly(device, at: "/")
                defer { try? handle.unmountAll() }
                let lines = try handle.cat("/boot/grub/grub.cfg").split(separator: "\n")
                    .filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("linux\t") }
                #expect(lines.count >= 3, "\(device): \(lines)")
                for line in lines {
                    if line.split(separator: " ").contains("single") { #expect(!line.contains("crashkernel"), "\(line)") } else {
                        #expect(line.hasSuffix(suffix), "\(device): \(line)")
                    }
                }
            }

            // 22.04: the capture command line is kdump-config's own default minus the trap (L171–176, L263–264):
            // the dump unit stays, or the capture kernel would boot the normal target (L167–169).
            try checkGrub("/dev/sda1", " crashkernel=384M-:128M panic=5")
            try handle.mountReadOnly("/dev/sda1", at: "/")
            let defaults = try handle.cat("/etc/default/kdump-tools")
            let appends = defaults.split(separator: "\n").filter { $0.hasPrefix("KDUMP_CMDLINE_APPEND=") }
            #expect(appends == ["KDUMP_CMDLINE_APPEND=\"\(Self.modernDefault)\""], "\(defaults)")
            #expect(try handle.cat("/usr/sbin/kdump-config").contains("usbcore.nousb ata_piix.prefer_ms_hyperv=0\"}"),
                    "the look-alike's kdump-config keeps its default; the override lives in /etc/default/kdump-tools")
            try handle.unmountAll()

            // 24.04: the release's own reservation (L186–191); its default capture line needs no override.
            try checkGrub("/dev/sdb1", " crashkernel=512M-:192M panic=5")
            try handle.mountReadOnly("/dev/sdb1", at: "/")
            #expect(!(try handle.cat("/etc/default/kdump-tools")).contains("\nKDUMP_CMDLINE_APPEND="))
            try handle.unmountAll()
        }
    }
}
