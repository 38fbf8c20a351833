import Foundation

/// The original bytes of every range an `--in-place` landing is about to overwrite, kept beside
/// the image (`DIR/.NAME.kdumpbake-undo`, same filesystem) until the image is fully written and
/// synced. While it exists, the image may be partly written; rolling back restores it exactly.
///
/// Protocol (`InPlaceCommit`): write `DIR/.NAME.kdumpbake-undo.partial`, fsync it, rename it to
/// the journal name, fsync the directory; only then write the image; fsync the image; remove
/// the journal; fsync the directory. So a `.partial` file means the image was never touched,
/// and a journal whose checksum fails was damaged after the fact (it is never replayed).
///
/// Layout, little-endian: magic `KDBUNDO1`; the image's device and inode (for diagnosis); the image's size
/// before and after; the entry count; per entry its offset, length, that many original bytes and
/// an FNV-1a hash of each new 512-byte sector; then the SHA-256 of everything before it. Before
/// rolling back, every covered sector of the image must hold its original or its new bytes, so
/// a journal is never applied to another file that took the name (or the inode).
package struct UndoJournal {
    static let magic = Array("KDBUNDO1".utf8)
    static let headerSize = 8 + 8 * 5
    static let digestSize = 32

    /// Where the journal of `image` lives.
    package static func path(for image: String) -> String {
        let url = URL(fileURLWithPath: image)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).kdumpbake-undo").path
    }

    static func partialPath(for image: String) -> String { path(for: image) + ".partial" }

    /// Why a read-only command will not look at an image with a journal: its bytes may be
    /// neither the original nor the patched ones, and reading it must not change it.
    package static func refusal(for image: String) -> String {
        "an --in-place commit into this image was interrupted (undo journal \(path(for: image))); run `kdumpbake recover \(image)` to restore its original bytes first"
    }

    /// Whether an interrupted landing left a journal, i.e. the image may be partly written.
    package static func exists(for image: String) -> Bool {
        var info = stat()
        return lstat(path(for: image), &info) == 0
    }

    /// Records, for every write the landing will make, the image's current bytes there (cut at
    /// the image's size: bytes past it are undone by truncating) and a hash of each new 512-byte
    /// sector, then makes the journal durable under its final name.
    static func record(image: RawFile, writes: [CommitWrite], source: RawFile, finalSize: UInt64) throws {
        let originalSize = try image.size
        let (device, inode) = try image.identity
        let kept = CommitWrite.clipped(writes, to: originalSize)
        let partial = partialPath(for: image.path)
        unlink(partial)
        let journal = try RawFile(path: partial, access: .createExclusive)
        var hash = SHA256()
        var position: UInt64 = 0
        func append(_ bytes: [UInt8]) throws {
            try journal.write(bytes, at: position)
            hash.update(bytes)
            position += UInt64(bytes.count)
        }
        try append(magic + [device, inode, originalSize, finalSize, UInt64(kept.count)].flatMap(littleEndian))
        for write in kept {
            try append(littleEndian(write.offset) + littleEndian(write.length))
            try forEachChunk(of: write.length) { done, count in try append(try image.read(at: write.offset + done, count: count)) }
            try forEachChunk(of: write.length) { done, count in
                try append(sectorHashes(try write.newBytes(at: done, count: count, from: source)).flatMap(littleEndian))
            }
        }
        try journal.write(hash.finish(), at: position)
        try journal.sync()
        guard rename(partial, path(for: image.path)) == 0 else { throw DiskImageError(path: partial, errno: errno) }
        try RawFile.syncDirectory(of: image.path)
    }

    /// Calls `body(offset, count)` over `length` bytes in 1 MiB chunks (whole sectors).
    static func forEachChunk(of length: UInt64, _ body: (UInt64, Int) throws -> Void) rethrows {
        var done: UInt64 = 0
        while done < length {
            let count = Int(min(length - done, 1 << 20))
            try body(done, count)
            done += UInt64(count)
        }
    }

    static let sectorSize = 512

    /// FNV-1a of each 512-byte sector (the last one may be shorter): enough to tell whether a
    /// sector of the image holds the landing's new bytes, and so whether a journal describes
    /// this image at all.
    static func sectorHashes(_ bytes: [UInt8]) -> [UInt64] {
        bytes.withUnsafeBufferPointer { buffer in
            stride(from: 0, to: buffer.count, by: sectorSize).map { start in
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for index in start..<min(start + sectorSize, buffer.count) { hash = (hash ^ UInt64(buffer[index])) &* 0x100_0000_01b3 }
                return hash
            }
        }
    }

    /// Removes the journal once the image is whole (patched and synced, or rolled back). The
    /// directory sync after it is best effort: if it fails, a crash can bring the journal back,
    /// and recovering then rolls the image back to its original bytes — still a whole state.
    static func discard(for image: String) throws {
        guard unlink(path(for: image)) == 0 || errno == ENOENT else { throw DiskImageError(path: path(for: image), errno: errno) }
        try? RawFile.syncDirectory(of: image)
    }

    package enum Recovery: Equatable {
        /// No journal: the image was not left mid-landing.
        case nothingToDo
        /// A `.partial` journal was removed: the landing stopped before touching the image.
        case removedUnfinishedJournal
        /// The image was restored to its bytes before the interrupted landing.
        case rolledBack(ranges: Int, bytes: UInt64)
    }

    /// Puts the image back as it was before an interrupted landing, if one was. Idempotent: a
    /// crash during recovery leaves the journal, and the next recovery starts over. The caller
    /// holds the image's exclusive lock.
    package static func recover(image path: String) throws -> Recovery {
        let journalPath = self.path(for: path)
        guard exists(for: path) else {
            if unlink(partialPath(for: path)) == 0 {
                try RawFile.syncDirectory(of: path)
                return .removedUnfinishedJournal
            }
            return .nothingToDo
        }
        let journal = try RawFile(path: journalPath, access: .read)
        let entries = try verifiedEntries(of: journal)
        let image = try RawFile(path: path, access: .readWrite)
        // Every sector the journal covers must hold its original or its new bytes: otherwise the
        // file is not the one the journal was written for. (Device and inode are no proof: a copy
        // restored under the name can reuse the inode, and a faithful copy of the half-written
        // image may rightly be recovered.)
        for entry in entries.ranges {
            try forEachChunk(of: entry.length) { done, count in
                let current = try image.read(at: entry.offset + done, count: count)
                let original = try journal.read(at: entry.journalOffset + done, count: count)
                let sectorBase = entry.hashOffset + done / UInt64(sectorSize) * 8
                let newHashes = try journal.read(at: sectorBase, count: (count + sectorSize - 1) / sectorSize * 8)
                for (index, currentHash) in sectorHashes(current).enumerated() {
                    let range = index * sectorSize..<min((index + 1) * sectorSize, count)
                    guard current[range] == original[range] || currentHash == littleEndianValue(Array(newHashes[index * 8..<index * 8 + 8])) else {
                        throw DiskImageError(path: path, message: "the bytes at offset \(entry.offset + done + UInt64(range.lowerBound)) are neither those the undo journal \(journalPath) saved nor those the interrupted commit wrote: the journal was written for another file; if the image was replaced since, remove the journal")
                    }
                }
            }
        }
        var bytes: UInt64 = 0
        for entry in entries.ranges {
            try forEachChunk(of: entry.length) { done, count in
                try image.write(try journal.read(at: entry.journalOffset + done, count: count), at: entry.offset + done)
            }
            bytes += entry.length
        }
        try image.truncate(to: entries.originalSize)
        try image.sync()
        unlink(partialPath(for: path))
        try discard(for: path)
        return .rolledBack(ranges: entries.ranges.count, bytes: bytes)
    }

    struct Entries {
        var device: UInt64
        var inode: UInt64
        var originalSize: UInt64
        var finalSize: UInt64
        /// Per entry: where it lies in the image, where its original bytes and its new sectors'
        /// hashes lie in the journal.
        var ranges: [(offset: UInt64, length: UInt64, journalOffset: UInt64, hashOffset: UInt64)]
    }

    /// Reads the journal's structure after checking its checksum over the whole file; any
    /// mismatch or inconsistency is refused, never half-applied.
    static func verifiedEntries(of journal: RawFile) throws -> Entries {
        let size = try journal.size
        let damaged = { (why: String) in
            DiskImageError(path: journal.path, message: "the undo journal is damaged (\(why)); the image beside it may be partly written: restore it from a copy, then remove the journal")
        }
        guard size >= UInt64(headerSize + digestSize) else { throw damaged("\(size) bytes, shorter than its header") }
        var hash = SHA256()
        var offset: UInt64 = 0
        let body = size - UInt64(digestSize)
        while offset < body {
            let count = Int(min(body - offset, 1 << 20))
            hash.update(try journal.read(at: offset, count: count))
            offset += UInt64(count)
        }
        guard hash.finish() == (try journal.read(at: body, count: digestSize)) else { throw damaged("checksum mismatch") }
        let header = try journal.read(at: 0, count: headerSize)
        guard Array(header.prefix(8)) == magic else { throw damaged("not a kdumpbake undo journal") }
        let field = { (index: Int) in littleEndianValue(Array(header[8 + index * 8..<16 + index * 8])) }
        var entries = Entries(device: field(0), inode: field(1), originalSize: field(2), finalSize: field(3), ranges: [])
        var position = UInt64(headerSize)
        for _ in 0..<field(4) {
            guard position + 16 <= body else { throw damaged("entries run past its end") }
            let pair = try journal.read(at: position, count: 16)
            let start = littleEndianValue(Array(pair[0..<8])), length = littleEndianValue(Array(pair[8..<16]))
            let hashes = (length + UInt64(sectorSize) - 1) / UInt64(sectorSize) * 8
            guard start <= entries.originalSize, length <= entries.originalSize - start,
                  length <= body - position - 16, hashes <= body - position - 16 - length else {
                throw damaged("an entry lies outside the image or the journal")
            }
            entries.ranges.append((start, length, position + 16, position + 16 + length))
            position += 16 + length + hashes
        }
        guard position == body else { throw damaged("\(body - position) unexplained bytes") }
        return entries
    }

    private static func littleEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
    private static func littleEndianValue(_ bytes: [UInt8]) -> UInt64 { bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
}
