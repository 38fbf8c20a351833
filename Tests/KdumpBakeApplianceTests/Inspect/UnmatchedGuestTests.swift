import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance
import TestImages
import TestSupport
import Testing

/// A guest no profile matches (an Ubuntu-like one), a disk with no operating system (a data
/// filesystem) and a Windows-like disk (NTFS with a Windows directory tree whose inspection
/// fails: its cmd.exe and registry hives are empty): `unmatched: fail` makes each an error
/// (exit 2, image untouched), `unmatched: skip` a clear skip (exit 0).
@Suite struct UnmatchedGuestTests {
    static let ubuntu = GuestRecipe.centos64
        .removing("/etc/redhat-release").removing("/etc/centos-release").removing("/etc/system-release")
        .withFile("/etc/os-release", "NAME=\"Ubuntu\"\nVERSION_ID=\"12.04\"\nID=ubuntu\nPRETTY_NAME=\"Ubuntu 12.04.5 LTS\"\n")

    @Test func unmatchedFailOrSkipWithAClearReason() throws {
        let image = try TestImageBuilder.scratchCopy(Self.ubuntu, format: .raw)
        defer { image.discardScratch() }
        let directory = try HostDirectory()
        // A disk holding only data: one ext4 filesystem over the whole disk, a file or two.
        let data = directory.path + "/data-tree"
        try FileManager.default.createDirectory(atPath: data + "/backups", withIntermediateDirectories: true)
        try "nothing bootable here\n".write(toFile: data + "/README", atomically: true, encoding: .utf8)
        let blank = directory.path + "/data-disk.raw"
        #expect(try HostTool.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "data", "-d", data, blank, "64M"]).status == 0)
        let windows = directory.path + "/windows-like.raw"
        try makeWindowsLike(windows)
        let images = [image.path, blank, windows]
        let before = try images.map { try FileFingerprint($0) }
        let skipManifest = directory.path + "/skip.yaml"
        let builtin = String(decoding: try Data(contentsOf: URL(fileURLWithPath: Repository.path("Templates/manifest.yaml"))), as: UTF8.self)
        try builtin.replacingOccurrences(of: "unmatched: fail", with: "unmatched: skip").write(toFile: skipManifest, atomically: true, encoding: .utf8)

        let failing = try CLIRun.run(["patch", "--in-place"] + images)
        #expect(failing.status == 2)
        #expect(failing.stdout.contains("\(blank): no operating system found on this image; image untouched"), "\(failing.stdout)")
        #expect(failing.stdout.contains("\(windows): no operating system found on this image; image untouched"), "\(failing.stdout)")
        #expect(failing.stdout.contains("ubuntu 12.04 x86_64 (Ubuntu 12.04.5 LTS): no profile in <built-in manifest> matches (unmatched: fail)"), "\(failing.stdout)")
        #expect(failing.stdout.contains("image untouched"))

        let skipped = try CLIRun.run(["patch", "--in-place", "--manifest", skipManifest] + images)
        #expect(skipped.status == 0, "\(skipped.stdout)")
        #expect(skipped.stdout.contains("\(image.path): ubuntu"))
        #expect(skipped.stdout.contains("\(blank): no operating system found on this image; skipped (unmatched: skip)"), "\(skipped.stdout)")
        #expect(skipped.stdout.contains("\(windows): no operating system found on this image; skipped (unmatched: skip)"), "\(skipped.stdout)")

        let audit = try CLIRun.run(["audit", "--jobs", "1", "--format", "json", "--manifest", skipManifest] + images)
        #expect(audit.status == 0, "\(audit.stdout)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        for report in try #require(document["images"] as? [[String: Any]]) {
            let supported = (report["findings"] as? [[String: Any]])?.first { $0["check"] as? String == "os.supported" }
            #expect(supported?["status"] as? String == "skip", "\(report)")
        }
        #expect(try images.map { try FileFingerprint($0) } == before)
    }
}

/// An NTFS disk laid out like Windows, made in an appliance (the host has no NTFS writer short of
/// mounting it): libguestfs's inspection recognises the layout and then fails on it.
func makeWindowsLike(_ path: String) throws {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try file.truncate(atOffset: 64 << 20)
    try file.close()
    let handle = try ApplianceLauncher.launch(policy: .fromEnvironment(ProcessInfo.processInfo.environment)) {
        try $0.addDrive(path, DriveOptions(format: "raw", readonly: false))
    }
    defer { try? handle.shutdown() }
    try handle.partitionWholeDisk("/dev/sda", tableType: "mbr")
    try handle.makeFilesystem("ntfs", on: "/dev/sda1")
    try handle.mount("/dev/sda1", at: "/")
    try handle.makeDirectories("/Windows/System32/config")
    for file in ["/Windows/System32/cmd.exe", "/Windows/System32/config/SOFTWARE", "/Windows/System32/config/SYSTEM"] {
        try handle.write(file, [])
    }
    try handle.unmountAll()
}
