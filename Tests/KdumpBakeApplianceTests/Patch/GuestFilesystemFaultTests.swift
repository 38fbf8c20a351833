import Foundation
import TestImages
import TestSupport
import Testing

/// Row 7: a guest whose root filesystem is full, and one whose filesystem can only be mounted
/// read-only (the ext4 `read-only` feature). Both break the patch at its first write inside the
/// appliance: exit 1, the image byte-identical.
@Suite struct GuestFilesystemFaultTests {
    /// Fills an ext4 filesystem to its last block with host tools (reserved blocks released
    /// first, so root in the appliance cannot write either).
    private func fill(_ filesystem: String, scratch: String) throws {
        func freeBlocks() throws -> Int {
            let header = try HostTool.run(["dumpe2fs", "-h", filesystem]).output
            let line = header.split(separator: "\n").first { $0.hasPrefix("Free blocks:") } ?? ""
            return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? -1
        }
        func blockSize() throws -> Int {
            let header = try HostTool.run(["dumpe2fs", "-h", filesystem]).output
            let line = header.split(separator: "\n").first { $0.hasPrefix("Block size:") } ?? ""
            return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 4096
        }
        #expect(try HostTool.run(["tune2fs", "-r", "0", filesystem]).status == 0)
        let size = try blockSize()
        for round in 1...64 {
            let free = try freeBlocks()
            guard free > 0 else { break }
            // Leave room for extent blocks on the big first write; then top up block by block.
            let blocks = free > 64 ? free - 32 : max(free - 1, 1)
            let filler = scratch + "/filler"
            // Not zeros: debugfs would store zero blocks as holes and fill nothing.
            try Data(repeating: 0x5A, count: blocks * size).write(to: URL(fileURLWithPath: filler))
            try HostTool.run(["debugfs", "-w", "-R", "write \(filler) /filler.\(round)", filesystem])
        }
        #expect(try freeBlocks() == 0)
        #expect(try HostTool.run(["e2fsck", "-fn", filesystem]).status == 0, "the filler left a damaged filesystem")
    }

    @Test func fullAndReadOnlyRootFilesystemsFailUntouched() throws {
        let scratch = try HostDirectory()
        let full = try TestImageBuilder.scratchCopy(.centos64, format: .raw)
        let readOnly = try TestImageBuilder.scratchCopy(.centos64, format: .raw)
        defer { full.discardScratch(); readOnly.discardScratch() }
        try fill(try HostTool.partition(2, of: full.path), scratch: scratch.path)
        #expect(try HostTool.run(["debugfs", "-w", "-R", "feature read-only", try HostTool.partition(2, of: readOnly.path)]).status == 0)
        let images = [full.path, readOnly.path]
        let before = try images.map { try FileFingerprint($0) }

        let run = try CLIRun.run(["patch", "--in-place", "--jobs", "2", "--format", "json"] + images)
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let reports = try #require(document["images"] as? [[String: Any]])
        let messages = Dictionary(uniqueKeysWithValues: reports.map { ($0["path"] as? String ?? "", $0["message"] as? String ?? "") })
        for image in images {
            #expect(reports.first { $0["path"] as? String == image }?["status"] as? String == "failed")
            #expect(messages[image]?.hasSuffix("image untouched") == true, "\(messages[image] ?? "")")
        }
        print("full: \(messages[full.path] ?? "")\nread-only: \(messages[readOnly.path] ?? "")")
        #expect(messages[full.path]?.contains("No space left on device") == true)
        #expect(messages[readOnly.path]?.localizedCaseInsensitiveContains("read-only") == true)
        #expect(try images.map { try FileFingerprint($0) } == before)
    }
}
