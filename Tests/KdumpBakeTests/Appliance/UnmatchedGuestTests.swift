import Foundation
import KdumpBake
import TestImages
import Testing

/// A guest no profile matches (an Ubuntu-like one): `unmatched: fail` makes it an error (exit 2,
/// image untouched), `unmatched: skip` a clear skip (exit 0).
@Suite struct UnmatchedGuestTests {
    static let ubuntu = GuestRecipe.centos64
        .removing("/etc/redhat-release").removing("/etc/centos-release").removing("/etc/system-release")
        .withFile("/etc/os-release", "NAME=\"Ubuntu\"\nVERSION_ID=\"12.04\"\nID=ubuntu\nPRETTY_NAME=\"Ubuntu 12.04.5 LTS\"\n")

    @Test func unmatchedFailOrSkipWithAClearReason() throws {
        let image = try TestImageBuilder.scratchCopy(Self.ubuntu, format: .raw)
        defer { image.discardScratch() }
        let before = try FileFingerprint(image.path)
        let directory = try HostDirectory()
        let skipManifest = directory.path + "/skip.yaml"
        let builtin = String(decoding: try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Templates/manifest.yaml").standardized), as: UTF8.self)
        try builtin.replacingOccurrences(of: "unmatched: fail", with: "unmatched: skip").write(toFile: skipManifest, atomically: true, encoding: .utf8)

        let failing = try CLIRun.run(["patch", "--in-place", image.path])
        #expect(failing.status == 2)
        #expect(failing.stdout.contains("ubuntu 12.4 x86_64 (Ubuntu 12.04.5 LTS): no profile in <built-in manifest> matches (unmatched: fail)"), "\(failing.stdout)")
        #expect(failing.stdout.contains("image untouched"))

        let skipped = try CLIRun.run(["patch", "--in-place", "--manifest", skipManifest, image.path])
        #expect(skipped.status == 0)
        #expect(skipped.stdout.contains("skipped (unmatched: skip)"))

        let audit = try CLIRun.run(["audit", "--format", "json", "--manifest", skipManifest, image.path])
        #expect(audit.status == 0)
        #expect(audit.stdout.contains("\"status\" : \"skip\""))
        #expect(try FileFingerprint(image.path) == before)
    }
}
