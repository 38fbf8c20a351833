import Foundation
import TestImages
import TestSupport
import Testing

/// Row 14: the host has no kernel for supermin to build the appliance from. The test hides
/// /boot and /lib/modules in a private mount namespace (`unshare -m`, root) and gives libguestfs
/// an empty cache, so the appliance must be built and cannot be. Expected: one actionable line
/// (supermin's reason and the package to install), exit 2, no TCG retry, the image untouched.
/// (The KVM→TCG fallback, the row's other half, is covered by every appliance test on this
/// machine, where KVM aborts; see ApplianceBindingTests.)
@Suite struct ApplianceStartFaultTests {
    private func runWithoutKernel(_ arguments: [String], cache: String) throws -> CLIRun {
        var environment = ProcessInfo.processInfo.environment
        environment["LIBGUESTFS_CACHEDIR"] = cache
        environment.removeValue(forKey: "LIBGUESTFS_BACKEND_SETTINGS")  // automatic: prove there is no TCG retry
        // argv only: the binary and its arguments are passed as "$0" "$@", never spliced into the script.
        return try CLIRun.run(executable: "/usr/bin/unshare", ["-m", "/bin/sh", "-c",
            "mount -t tmpfs none /boot && mount -t tmpfs none /lib/modules && exec \"$0\" \"$@\"", CLIRun.binary] + arguments,
            environment: environment)
    }

    @Test func noKernelForSuperminGivesOneActionableLine() throws {
        let image = try TestImageBuilder.scratchCopy(.centos64, format: .raw)
        defer { image.discardScratch() }
        let cache = try HostDirectory()
        let before = try FileFingerprint(image.path)

        for command in [["audit"], ["patch", "--in-place"]] {
            let run = try runWithoutKernel(command + [image.path], cache: cache.path)
            #expect(run.status == 2, "\(command): \(run.stdout)\n\(run.stderr)")
            let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("kdumpbake: ") }
            #expect(lines.count == 1, "\(command): \(run.stderr)")
            let line = String(lines.first ?? "")
            #expect(line.contains(image.path))
            #expect(line.contains("cannot build the libguestfs appliance: supermin failed (supermin:"), "\(line)")
            #expect(line.contains("apt-get install linux-image-amd64"))
            #expect(!run.stderr.contains("retrying with TCG"))
        }
        #expect(try FileFingerprint(image.path) == before)
    }
}
