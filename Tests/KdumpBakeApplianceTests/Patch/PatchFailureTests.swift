import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// A patch that cannot finish leaves the image byte-identical; hostile guests run nothing.
@Suite struct PatchFailureTests {
    @Test func failingMkdumprdLeavesTheImageByteIdentical() throws {
        let recipe = GuestRecipe.centos64.withFile("/etc/kdump-standin/fail", "stand-in mkdumprd: simulated failure\n")
        let image = try TestImageBuilder.scratchCopy(recipe, format: .vhd)
        defer { image.discardScratch() }
        let directory = (image.path as NSString).deletingLastPathComponent
        let listing = try FileManager.default.contentsOfDirectory(atPath: directory)
        let before = try FileFingerprint(image.path)

        let run = try CLIRun.run(["patch", "--in-place", image.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("mkdumprd for 2.6.32-358.el6.x86_64 failed"))
        #expect(run.stdout.contains("simulated failure"))
        #expect(run.stdout.contains("image untouched"))
        #expect(try FileFingerprint(image.path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == listing)
        #expect(qemuCommandLines().filter { $0.contains(directory) }.isEmpty)
    }

    @Test func hostileKernelNameExecutesNothingAndOutputLeavesTheOriginal() throws {
        let hostile = "2.6.32-358.el6.x86_64;id>PWNED;"
        let recipe = GuestRecipe.centos64.withKernel(hostile)
        let image = try TestImageBuilder.scratchCopy(recipe, format: .raw)
        defer { image.discardScratch() }
        let output = try HostDirectory()
        let before = try FileFingerprint(image.path)

        let run = try CLIRun.run(["patch", "--output", output.path, "--format", "json", image.path])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(try FileFingerprint(image.path) == before)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let report = try #require((document["images"] as? [[String: Any]])?.first)
        #expect(report["status"] as? String == "patched")
        let changes = report["changes"] as? [String] ?? []
        // The hostile kernel was handled as data: one argv element, shown quoted.
        #expect(changes.contains("run /sbin/mkdumprd -d -f --allow-missing '/boot/initrd-\(hostile)kdump.img' '\(hostile)'"))
        let patched = output.path + "/" + (image.path as NSString).lastPathComponent
        #expect(FileManager.default.fileExists(atPath: patched))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == [(image.path as NSString).lastPathComponent])

        // Nothing ran: no PWNED file anywhere in the guest (commands run with cwd /).
        let audit = AuditRunner.audit([patched], options: AuditOptions(manifest: .builtin()))
        #expect(audit.first?.compliant == true, "\(audit.first?.findings ?? [])")
        #expect(try guestHasNoFile(named: "PWNED", image: patched))
    }

    @Test func guestWithoutKexecToolsIsRefusedUntouched() throws {
        let recipe = GuestRecipe.centos64.removing("/sbin/mkdumprd")
        let image = try TestImageBuilder.scratchCopy(recipe, format: .raw)
        defer { image.discardScratch() }
        let before = try FileFingerprint(image.path)
        let run = try CLIRun.run(["patch", "--in-place", image.path])
        #expect(run.status == 2)
        #expect(run.stdout.contains("kexec-tools is not installed"))
        #expect(try FileFingerprint(image.path) == before)
    }

    @Test func usageErrors() throws {
        let neither = try CLIRun.run(["patch", "x.vhd"])
        #expect(neither.status == 2)
        #expect(neither.stderr.contains("--in-place or --output DIR"))
        let both = try CLIRun.run(["patch", "--in-place", "--output", "/tmp", "x.vhd"])
        #expect(both.status == 2)
        let missingDirectory = try CLIRun.run(["patch", "--output", "/nonexistent/out", "/dev/null"])
        #expect(missingDirectory.status == 2)
        // --packer-manifest names the images itself; a manifest that cannot be read is one line.
        let imagesAndPacker = try CLIRun.run(["patch", "--in-place", "--packer-manifest", "m.json", "x.vhd"])
        #expect(imagesAndPacker.status == 2 && imagesAndPacker.stderr.contains("name the images or give --packer-manifest, not both"))
        let buildAlone = try CLIRun.run(["patch", "--in-place", "--packer-build", "golden"])
        #expect(buildAlone.status == 2 && buildAlone.stderr.contains("--packer-build needs --packer-manifest"))
        let noManifest = try CLIRun.run(["patch", "--in-place", "--packer-manifest", "/nonexistent/packer-manifest.json"])
        #expect(noManifest.status == 2)
        #expect(noManifest.stderr == "kdumpbake: /nonexistent/packer-manifest.json: cannot be read\n", "\(noManifest.stderr)")

        // Two inputs named alike would land on one --output file: both refused before any work.
        let directory = try HostDirectory()
        let inputs = ["a", "b"].map { directory.path + "/\($0)/golden.raw" }
        for input in inputs {
            try FileManager.default.createDirectory(atPath: (input as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(count: 1 << 20).write(to: URL(fileURLWithPath: input))
        }
        try FileManager.default.createDirectory(atPath: directory.path + "/out", withIntermediateDirectories: true)
        let clash = try CLIRun.run(["patch", "--output", directory.path + "/out"] + inputs)
        #expect(clash.status == 2)
        for input in inputs {
            #expect(clash.stderr.contains("kdumpbake: \(input): another input has the same file name"), "\(clash.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out") == [])
    }
}

/// Looks for a file with exactly that name anywhere in the guest with a read-only appliance.
func guestHasNoFile(named name: String, image: String) throws -> Bool {
    let format = try DiskImageFormat.detect(path: image)
    let handle = try ApplianceLauncher.launch(policy: .fromEnvironment(ProcessInfo.processInfo.environment)) {
        try $0.addDrive(image, DriveOptions(format: .init(format), readonly: true))
    }
    defer { try? handle.shutdown() }
    for (device, type) in try handle.listFilesystems() where type.hasPrefix("ext") || type == "xfs" {
        try handle.mount(device, at: "/", options: type == "xfs" ? "ro,nouuid" : "ro")
        // Exactly that name: the hostile kernel's own files contain the word, a redirect would create it.
        let hits = try handle.find("/").filter { ($0 as NSString).lastPathComponent == name }
        try handle.unmountAll()
        if !hits.isEmpty { return false }
    }
    return true
}
