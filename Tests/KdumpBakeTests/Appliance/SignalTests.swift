import Foundation
import KdumpBake
import TestImages
import Testing

/// SIGINT/SIGTERM during a patch: exit 130/143, the image byte-identical, no temporary files, no qemu.
@Suite struct SignalTests {
    /// Starts `kdumpbake patch`, sends `signal` once a stderr line contains `phase`, and checks the aftermath.
    private func interrupt(_ recipe: GuestRecipe, at phase: String, with signal: Int32, arguments: [String] = ["--in-place"]) throws -> String {
        let image = try TestImageBuilder.scratchCopy(recipe, format: .vhd)
        defer { image.discardScratch() }
        let temporary = try HostDirectory()
        let before = try FileFingerprint(image.path)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRun.binary)
        process.arguments = ["patch"] + arguments + [image.path]
        // A private TMPDIR shows every temporary file kdumpbake leaves; libguestfs's appliance
        // cache is kept where it normally lives so it is not rebuilt.
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary.path, "LIBGUESTFS_CACHEDIR": "/var/tmp"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        var sent = false
        while true {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if !sent, seen.contains(phase) {
                kill(process.processIdentifier, signal)
                sent = true
            }
        }
        process.waitUntilExit()
        #expect(sent, "never reached \(phase): \(seen)")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal, "\(seen)")
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
