import Foundation
import KdumpBakeCore
import TestImages
import TestSupport
import Testing

/// The kdump initrds of an image are built side by side in one appliance; one kernel's failure
/// or hang must still fail the image with that kernel named, stop the hang at its limit, and
/// leave the image byte-identical. (Side by side gives the same report as one after the other:
/// `PatchApplianceTests`.)
@Suite struct ParallelRebuildTests {
    @Test func oneKernelFailingAndAnotherHangingFailTheImageWithBothNamedAndLeaveItByteIdentical() throws {
        let failing = "3.10.0-1127.el7.x86_64", hanging = "3.10.0-1160.el7.x86_64"
        let recipe = GuestRecipe.centos79
            .withFile("/etc/kdump-standin/fail-\(failing)", "stand-in mkdumprd: simulated failure for one kernel\n")
            .withFile("/etc/kdump-standin/hang-\(hanging)", "")
        let image = try TestImageBuilder.scratchCopy(recipe, format: .raw)
        defer { image.discardScratch() }
        let before = try FileFingerprint(image.path)

        let run = try CLIRun.run(["patch", "--in-place", "--rebuild-timeout", "5", "--format", "json", image.path])
        #expect(run.status == 1, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let report = try #require((document["images"] as? [[String: Any]])?.first)
        #expect(report["status"] as? String == "failed")
        let message = report["message"] as? String ?? ""
        #expect(message.contains("mkdumprd for \(failing) failed (exit 1): stand-in mkdumprd: simulated failure for one kernel"), "\(message)")
        #expect(message.contains("mkdumprd for \(hanging) did not finish within 5 s; it was stopped with everything it started"), "\(message)")
        #expect(message.hasSuffix("image untouched"))

        let rebuilds = try #require(report["rebuilds"] as? [[String: Any]])
        #expect(rebuilds.map { $0["kernel"] as? String } == [failing, hanging])
        #expect(rebuilds.map { $0["outcome"] as? String } == ["failed", "timed-out"])
        #expect(rebuilds[0]["exit_code"] as? Int == 1)
        #expect((rebuilds[0]["output"] as? String)?.contains("simulated failure for one kernel") == true)
        let stopped = rebuilds[1]["seconds"] as? Double ?? 0
        #expect(stopped >= 5 && stopped < 60, "stopped at its limit, not at the appliance's: \(stopped) s")

        #expect(try FileFingerprint(image.path) == before)
        #expect(qemuCommandLines().filter { $0.contains(image.path) }.isEmpty)
    }
}
