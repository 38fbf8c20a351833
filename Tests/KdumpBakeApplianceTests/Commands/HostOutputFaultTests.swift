import Foundation
import TestImages
import TestSupport
import Testing

/// Row 13: `--output` into a directory that cannot be written (a read-only mount: root's
/// permission bypass does not help there) fails at once, before any appliance; into a
/// filesystem that fills up while the patched image is written, it fails after the appliance
/// with the partial file removed. Both: exit 2, one line naming the path, original untouched.
/// The test mounts two small tmpfs filesystems, so it needs root, as `ci/test` has.
@Suite struct HostOutputFaultTests {
    /// A tmpfs mounted for the test's lifetime.
    final class TemporaryMount {
        let path: String
        init(options: String) throws {
            path = NSTemporaryDirectory() + "kdumpbake-test-mount-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mounted = try HostTool.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", path])
            #expect(mounted.status == 0, "mount -t tmpfs -o \(options) failed: the test needs root")
        }
        deinit {
            _ = try? HostTool.run(["umount", path])
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    @Test func unwritableOrFullOutputDirectoryLeavesNothing() throws {
        let image = try TestImageBuilder.scratchCopy(.centos64, format: .raw)
        defer { image.discardScratch() }
        let before = try FileFingerprint(image.path)

        let readOnly = try TemporaryMount(options: "ro,size=1m")
        let refused = try CLIRun.run(["patch", "--output", readOnly.path, image.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("kdumpbake: \(readOnly.path): output directory is not writable: Read-only file system"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("opening"), "an appliance was started: \(refused.stderr)")

        // The patched look-alike holds about 3 MiB of data (the copy stays sparse); 1 MiB fills
        // up part-way through.
        let small = try TemporaryMount(options: "size=1m")
        let full = try CLIRun.run(["patch", "--output", small.path, image.path])
        #expect(full.status == 2, "\(full.stdout)\n\(full.stderr)")
        #expect(full.stdout.contains("No space left on device"), "\(full.stdout)")
        #expect(full.stdout.contains("no partial output left"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: small.path) == [])
        #expect(try FileFingerprint(image.path) == before)
    }
}
