import Foundation
@testable import KdumpBakeCore
import TestSupport
import Testing

/// The crash-safe `--in-place` landing without an appliance: overlays written with qemu-io, the
/// landing compared byte for byte with a plain `qemu-img commit`, the undo journal's rollback,
/// and every way a journal can be refused.
@Suite struct InPlaceCommitTests {
    /// An image of `format`, an overlay over it holding data, zeros and a write past the first
    /// 8 MiB, and the same overlay committed the plain way into a copy (the reference).
    struct Scenario {
        let directory = try! HostDirectory()
        let image: String, original: String, reference: String, overlay: String
        let format: DiskImageFormat

        init(_ format: DiskImageFormat, subformat: String? = nil) throws {
            self.format = format
            image = directory.path + "/image"
            original = directory.path + "/original"
            reference = directory.path + "/reference"
            overlay = directory.path + "/overlay.qcow2"
            var create = ["qemu-img", "create", "-q", "-f", format.qemuName]
            if let subformat { create += ["-o", "subformat=\(subformat)"] }
            try Self.check(create + [image, "64M"])
            try Self.check(["qemu-io", "-f", format.qemuName, "-c", "write -P 0x11 0 8M", image])
            try FileManager.default.copyItem(atPath: image, toPath: original)
            try FileManager.default.copyItem(atPath: image, toPath: reference)
            try Self.writeOverlay(directory.path + "/reference-overlay.qcow2", over: reference, format: format)
            try Self.check(["qemu-img", "commit", "-q", "-d", "-f", "qcow2", directory.path + "/reference-overlay.qcow2"])
            try Self.writeOverlay(overlay, over: image, format: format)
        }

        static func writeOverlay(_ overlay: String, over image: String, format: DiskImageFormat) throws {
            try check(["qemu-img", "create", "-q", "-f", "qcow2", "-b", image, "-F", format.qemuName, overlay])
            try check(["qemu-io", "-f", "qcow2", "-c", "write -P 0x22 1M 1M", "-c", "write -P 0x33 40M 3M", "-c", "write -z 2M 64k", overlay])
        }

        static func check(_ arguments: [String]) throws {
            let status = try HostTool.run(arguments).status
            #expect(status == 0, "\(arguments.joined(separator: " ")) exited \(status)")
        }

        func land(observe: (InPlaceCommit.Stage) throws -> Void = { _ in }) throws {
            let work = directory.path + "/work-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
            try InPlaceCommit.land(overlay: overlay, image: image, format: format, work: work, observe: observe)
        }

        func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
    }

    /// raw and fixed VHD land byte-identical to a plain commit (the capture layer sees exactly
    /// the writes a direct commit makes). qcow2 and dynamic VHD allocate in the order the commit's
    /// requests complete, which differs between two plain commits too: they must read back the
    /// same guest content (and qcow2 pass `qemu-img check`).
    @Test(arguments: [("raw", nil), ("vhd", "fixed"), ("vhd", "dynamic"), ("qcow2", nil)] as [(String, String?)])
    func landingMatchesAPlainCommit(format: String, subformat: String?) throws {
        let scenario = try Scenario(DiskImageFormat(rawValue: format)!, subformat: subformat)
        var stages: [String] = []
        try scenario.land { stages.append("\($0)") }
        #expect(stages.first == "capturing" && stages.last == "done")
        #expect(stages.contains("journaling") && stages.contains { $0.hasPrefix("applying ") })
        if format == "qcow2" || subformat == "dynamic" {
            let name = scenario.format.qemuName
            #expect(try HostTool.run(["qemu-img", "compare", "-q", "-f", name, "-F", name, scenario.image, scenario.reference]).status == 0)
            if format == "qcow2" { #expect(try HostTool.run(["qemu-img", "check", "-q", "-f", "qcow2", scenario.image]).status == 0) }
        } else {
            #expect(try scenario.bytes(scenario.image) == scenario.bytes(scenario.reference))
        }
        #expect(!FileManager.default.fileExists(atPath: UndoJournal.path(for: scenario.image)))
        #expect(try InPlaceCommit.recover(image: scenario.image).hasSuffix("no interrupted commit; nothing to do"))
    }

    /// Stopped at every stage (the observer throws there, as a crash would stop it), the image
    /// is recovered to its exact original bytes — including a dynamic VHD that had grown.
    @Test func recoveryFromEveryStageRestoresTheOriginal() throws {
        struct Stop: Error {}
        for stopAt in ["capturing", "mapping", "journaling", "applying 1/", "applying 3/", "syncing", "discarding-journal"] {
            let scenario = try Scenario(.vhd, subformat: "dynamic")
            #expect(throws: Stop.self) {
                try scenario.land { stage in if "\(stage)".hasPrefix(stopAt) { throw Stop() } }
            }
            let journal = FileManager.default.fileExists(atPath: UndoJournal.path(for: scenario.image))
            #expect(journal == !["capturing", "mapping", "journaling"].contains(stopAt), "journal after stopping at \(stopAt)")
            let line = try InPlaceCommit.recover(image: scenario.image)
            #expect(try scenario.bytes(scenario.image) == scenario.bytes(scenario.original), "stopped at \(stopAt): \(line)")
            #expect(!FileManager.default.fileExists(atPath: UndoJournal.path(for: scenario.image)))
        }
    }

    @Test func aTornJournalIsRefusedAndNothingIsWritten() throws {
        let scenario = try Scenario(.raw)
        struct Stop: Error {}
        #expect(throws: Stop.self) { try scenario.land { if "\($0)".hasPrefix("applying 2/") { throw Stop() } } }
        let journal = UndoJournal.path(for: scenario.image)
        var bytes = try scenario.bytes(journal)
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: journal))
        let mixed = try scenario.bytes(scenario.image)
        #expect(try mixed != scenario.bytes(scenario.original))
        let error = #expect(throws: DiskImageError.self) { try InPlaceCommit.recover(image: scenario.image) }
        #expect(error?.description == "\(journal): the undo journal is damaged (checksum mismatch); the image beside it may be partly written: restore it from a copy, then remove the journal")
        #expect(try scenario.bytes(scenario.image) == mixed)
        // Cut short (a torn write that a lying disk let through the rename) is refused the same way.
        try bytes.prefix(100).write(to: URL(fileURLWithPath: journal))
        #expect(throws: DiskImageError.self) { try InPlaceCommit.recover(image: scenario.image) }
    }

    @Test func aJournalIsNeverAppliedToAnotherFileOfTheSameName() throws {
        let scenario = try Scenario(.raw)
        struct Stop: Error {}
        #expect(throws: Stop.self) { try scenario.land { if "\($0)".hasPrefix("applying 1/") { throw Stop() } } }
        let journal = try scenario.bytes(UndoJournal.path(for: scenario.image))
        // Another image put under the name (a new inode, or the same one reused): refused, untouched.
        try FileManager.default.removeItem(atPath: scenario.image)
        try Scenario.check(["qemu-img", "create", "-q", "-f", "raw", scenario.image, "64M"])
        try Scenario.check(["qemu-io", "-f", "raw", "-c", "write -P 0x44 0 64M", scenario.image])
        let other = try scenario.bytes(scenario.image)
        let error = #expect(throws: DiskImageError.self) { try InPlaceCommit.recover(image: scenario.image) }
        #expect(error?.message.contains("are neither those the undo journal") == true)
        #expect(error?.message.contains("the journal was written for another file") == true)
        #expect(try scenario.bytes(scenario.image) == other)
        // The original restored from a backup instead: rolling back onto it changes nothing.
        try FileManager.default.removeItem(atPath: scenario.image)
        try FileManager.default.copyItem(atPath: scenario.original, toPath: scenario.image)
        try journal.write(to: URL(fileURLWithPath: UndoJournal.path(for: scenario.image)))
        #expect(try InPlaceCommit.recover(image: scenario.image).contains("rolled back"))
        #expect(try scenario.bytes(scenario.image) == scenario.bytes(scenario.original))
    }

    @Test func anUnfinishedJournalIsRemovedWithoutTouchingTheImage() throws {
        let scenario = try Scenario(.raw)
        try Data("half a journal".utf8).write(to: URL(fileURLWithPath: UndoJournal.partialPath(for: scenario.image)))
        #expect(try InPlaceCommit.recover(image: scenario.image).contains("removed an unfinished undo journal"))
        #expect(!FileManager.default.fileExists(atPath: UndoJournal.partialPath(for: scenario.image)))
        #expect(try scenario.bytes(scenario.image) == scenario.bytes(scenario.original))
    }

    @Test func mapEntriesBecomeMergedWrites() throws {
        let json = """
            [{"start": 0, "length": 1024, "depth": 1, "present": true, "zero": false, "data": true, "offset": 0},
             {"start": 1024, "length": 512, "depth": 0, "present": true, "zero": false, "data": true, "offset": 8192},
             {"start": 1536, "length": 512, "depth": 0, "present": true, "zero": false, "data": true, "offset": 8704},
             {"start": 2048, "length": 512, "depth": 0, "present": true, "zero": false, "data": true, "offset": 4096},
             {"start": 2560, "length": 1024, "depth": 0, "present": true, "zero": true, "data": false},
             {"start": 3584, "length": 1048576, "depth": 0, "present": false, "zero": true, "data": false}]
            """
        let writes = try CommitWrite.parse(map: Data(json.utf8))
        #expect(writes == [
            CommitWrite(offset: 1024, length: 1024, source: .capture(offset: 8192)),
            CommitWrite(offset: 2048, length: 512, source: .capture(offset: 4096)),
            CommitWrite(offset: 2560, length: 1024, source: .zeros),
        ])
        #expect(CommitWrite.clipped(writes, to: 2304) == [
            CommitWrite(offset: 1024, length: 1024, source: .capture(offset: 8192)),
            CommitWrite(offset: 2048, length: 256, source: .capture(offset: 4096)),
        ])
    }

    @Test func sha256MatchesTheHostTool() throws {
        let directory = try HostDirectory()
        for length in [0, 3, 55, 56, 63, 64, 65, 1000, 100_003] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 3) }
            let path = directory.path + "/\(length)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let expected = try HostTool.run(["sha256sum", path]).output.prefix(64)
            var split = SHA256()
            split.update(bytes.prefix(length / 3))
            split.update(bytes.dropFirst(length / 3))
            let hex = { (digest: [UInt8]) in digest.map { String(format: "%02x", $0) }.joined() }
            #expect(hex(SHA256.digest(bytes)) == expected, "length \(length)")
            #expect(hex(split.finish()) == expected, "length \(length), in two parts")
        }
    }
}
