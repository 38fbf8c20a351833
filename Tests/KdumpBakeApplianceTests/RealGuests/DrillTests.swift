import Foundation
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

extension BootAndLookalikeLane {
    /// `kdumpbake drill` on the real Debian 12 guest without a working kdump: the seed's story end to end. The
    /// drill that ends with a dump runs in `Debian12PatchTests`, on the image kdumpbake just patched.
    ///
    /// Each drill boots the real guest under qemu (minutes under TCG), so the cases share runs: one drill of two
    /// images covers both no-dump verdicts, one covers kdump that never arms, one is interrupted. One vCPU and
    /// 1 GiB each: the other lane's appliances share the CI machine's two cores, and Debian's
    /// `crashkernel=384M-:128M` (kdump-tools ≤ 1:1.8.2, reference kdump-other-families.md L184) reserves the same
    /// 128 MiB from 1 GiB as from the default 2 GiB.
    @Suite(.serialized) struct DrillTests {
        /// kdump off: with `kernel.panic = 5` the VM reboots by itself without a dump; with the default 0 it hangs,
        /// and the drill says so within its limit. The cached images are drilled directly: the drill only reads them.
        @Test func withoutKdumpThePanicRebootsOrHangsAsKernelPanicSays() throws {
            let rebooting = try TestImageBuilder.image(RealGuest.debian12KdumpOffPanic5, format: .raw)
            let hanging = try TestImageBuilder.image(RealGuest.debian12KdumpOff, format: .raw)
            let before = [try FileFingerprint(rebooting.path), try FileFingerprint(hanging.path)]
            let temporary = try HostDirectory()
            // A private TMPDIR shows every temporary file the drill leaves; libguestfs's appliance cache stays where
            // it normally lives (it follows TMPDIR otherwise, and would be rebuilt there).
            let run = try CLIRun.run(["drill", "--format", "json", "--cpus", "1", "--memory", "1024", rebooting.path, hanging.path],
                                     environment: ["TMPDIR": temporary.path, "LIBGUESTFS_CACHEDIR": "/var/tmp"])
            #expect(run.status == 1, "\(run.stderr)")
            let document = try DrillJSON.decode(run.stdout)
            #expect(document.images.map(\.path) == [rebooting.path, hanging.path])

            let rebooted = try #require(document.images.first)
            #expect(rebooted.verdict == .rebootedWithoutDump, "\(rebooted.reason)\n\(run.stderr)")
            #expect(rebooted.milestones == [.kernelStarted, .triggerFired, .panic, .reboot, .secondBootKernel, .secondBootUserspace],
                    "\(rebooted.milestones)")
            #expect(rebooted.reason.contains("kdump did not run"), "\(rebooted.reason)")

            let hung = try #require(document.images.last)
            #expect(hung.verdict == .hung, "\(hung.reason)\n\(run.stderr)")
            #expect(hung.milestones == [.kernelStarted, .triggerFired, .panic], "\(hung.milestones)")
            #expect(hung.consoleTail.contains { $0.contains("---[ end Kernel panic - not syncing: sysrq triggered crash ]---") }, "\(hung.consoleTail)")
            #expect(hung.reason.contains("kernel.panic = 0"), "\(hung.reason)")

            // Both VMs were stopped by the drill (one after its second boot, one hung): qemu heard the signal.
            #expect(!run.stderr.contains("did not exit within"), "\(run.stderr)")
            #expect([try FileFingerprint(rebooting.path), try FileFingerprint(hanging.path)] == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty, "overlays left behind")
        }

        /// The guest as debootstrap left it: kdump-tools enabled but no crashkernel= on its boot entry. The service
        /// refuses to load, the trigger sees why and powers the VM off: kdump-not-armed, with that reason.
        @Test func withoutCrashkernelKdumpNeverArms() throws {
            let image = try TestImageBuilder.image(RealGuest.debian12, format: .raw)
            let before = try FileFingerprint(image.path)
            let report = try HostDirectory()
            let run = try CLIRun.run(["drill", "--report", report.path, "--cpus", "1", "--memory", "1024", image.path])
            #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("kdump-not-armed"), "\(run.stdout)")
            #expect(run.stderr.contains("the default boot entry has no crashkernel="), "\(run.stderr)")
            let document = try DrillJSON.decode(try String(contentsOfFile: report.path + "/drill.json", encoding: .utf8))
            let drilled = try #require(document.images.first)
            #expect(drilled.verdict == .kdumpNotArmed)
            #expect(drilled.reason.contains("no crashkernel="), "\(drilled.reason)")
            #expect(!drilled.milestones.contains(.panic), "not crashed when kdump is not armed")
            let junit = try String(contentsOfFile: report.path + "/junit.xml", encoding: .utf8)
            #expect(junit.contains("<failure"), "\(junit)")
            #expect(try FileFingerprint(image.path) == before)
        }

        /// SIGINT while the VM boots: exit 130, no qemu left, no overlay left, the image untouched.
        @Test func interruptedDrillLeavesNoQemuAndNoOverlay() throws {
            let image = try TestImageBuilder.image(RealGuest.debian12KdumpOff, format: .raw)
            let before = try FileFingerprint(image.path)
            let temporary = try HostDirectory()
            let run = try SignalledRun.run(["drill", image.path], signal: SIGINT, whenStderrContains: "booting", temporary: temporary.path)
            #expect(run.sent, "never reached the boot: \(run.stderr)")
            #expect(run.status == 130, "\(run.stderr)")
            // Only this drill's qemu counts (its overlay is under the private TMPDIR): the other lane may be drilling too.
            #expect(qemuCommandLines().filter { $0.contains(temporary.path) }.isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty, "overlay left behind")
            #expect(try FileFingerprint(image.path) == before)
        }
    }
}

/// The document `drill --format json` prints, as the tests read it back: its reports decode as the core's `DrillReport`.
struct DrillJSON: Decodable {
    var images: [DrillReport]

    static func decode(_ text: String) throws -> DrillJSON {
        try JSONDecoder().decode(DrillJSON.self, from: Data(text.utf8))
    }
}

extension DrillReport {
    var milestones: [DrillMilestone] { timeline.map(\.milestone) }
}
