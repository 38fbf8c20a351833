import Foundation
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// SIGINT/SIGTERM during a patch: exit 130/143, the image byte-identical, no temporary files, no qemu.
@Suite struct SignalTests {
    /// Starts `kdumpbake patch`, sends `signal` once a stderr line contains `phase`, and checks the aftermath.
    private func interrupt(_ recipe: GuestRecipe, at phase: String, with signal: Int32, arguments: [String] = ["--in-place"]) throws -> String {
        let image = try TestImageBuilder.scratchCopy(recipe, format: .vhd)
        defer { image.discardScratch() }
        let temporary = try HostDirectory()
        let before = try FileFingerprint(image.path)

        let run = try SignalledRun.run(["patch"] + arguments + [image.path], signal: signal, whenStderrContains: phase, temporary: temporary.path)
        let seen = run.stderr
        #expect(run.sent, "never reached \(phase): \(seen)")
        #expect(run.reason == .exit)
        #expect(run.status == 128 + signal, "\(seen)")
        #expect(try FileFingerprint(image.path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty, "temporary files left")
        #expect(try FileManager.default.contentsOfDirectory(atPath: (image.path as NSString).deletingLastPathComponent) == [(image.path as NSString).lastPathComponent])
        #expect(qemuCommandLines().filter { $0.contains(temporary.path) || $0.contains(image.path) }.isEmpty)
        return seen
    }

    @Test func sigintWhileLaunching() throws {
        let log = try interrupt(.centos64, at: "opening", with: SIGINT)
        #expect(log.contains("SIGINT: stopping"))
    }

    @Test func sigtermWhileMkdumprdHangs() throws {
        let hanging = GuestRecipe.centos64.withFile("/etc/kdump-standin/hang", "")
        let log = try interrupt(hanging, at: "rebuilding kdump initrd", with: SIGTERM)
        #expect(log.contains("SIGTERM: stopping"))
    }

    @Test func sigintWhileVerifyingAnOutputCopy() throws {
        let output = try HostDirectory()
        _ = try interrupt(.centos64, at: "verifying", with: SIGINT, arguments: ["--output", output.path])
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty, "partial output left")
    }
}

/// A patch killed with SIGKILL leaves its overlay directory behind; the next run removes it,
/// and leaves a directory whose owner is alive alone.
@Suite struct LeftoverTests {
    @Test func nextRunRemovesAbandonedOverlays() throws {
        let temporary = try HostDirectory()
        let abandoned = temporary.path + "/kdumpbake-patch.dead01"
        let alive = temporary.path + "/kdumpbake-patch.alive1"
        for directory in [abandoned, alive] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: directory + "/overlay.qcow2", contents: Data(count: 1024))
        }
        // A PID that cannot exist (above pid_max) and this test's own PID.
        try "4194305\n".write(toFile: abandoned + "/owner.pid", atomically: true, encoding: .utf8)
        try "\(getpid())\n".write(toFile: alive + "/owner.pid", atomically: true, encoding: .utf8)

        let run = try CLIRun.run(["patch", "--in-place", "/nonexistent/golden.vhd"],
                                 environment: ["TMPDIR": temporary.path, "LIBGUESTFS_CACHEDIR": "/var/tmp"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("removed \(abandoned), left by a kdumpbake that was killed"))
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: alive + "/overlay.qcow2"))
    }
}
