import Foundation

/// Lands a verified overlay into its backing image so that a crash at any instant leaves the
/// image either byte-identical to before or fully patched — never in between.
///
/// `qemu-img commit` straight into the image is not that: killed half-way, it leaves some
/// clusters written and others not (virt-customize and virt-v2v-in-place accept that window).
/// Here the commit writes into a *capture layer* instead: a qcow2 file in the private work
/// directory, allocated in 512-byte subclusters (`QemuImg.createCapture`), backed by the image
/// file read as raw bytes, with the image's format driver on top. The image is untouched by it;
/// the capture's allocated subclusters are then exactly the file ranges, at sector precision, that a direct commit would have written —
/// data, L2 tables, refcounts, a dynamic VHD's BAT and moved footer alike. Then:
/// 1. the original bytes of those ranges go into an undo journal beside the image, made
///    durable (`UndoJournal`);
/// 2. the new bytes are copied from the capture into the image, which is fsynced;
/// 3. the journal is removed.
/// A crash before 1 completes leaves the image untouched; between 1 and 3, `UndoJournal.recover`
/// (run by the next `patch` or by `kdumpbake recover`) restores the original bytes exactly.
public enum InPlaceCommit {
    /// Where a landing is; `observe` sees each stage before it starts (the kill test's record of
    /// where each SIGKILL landed; its throwing stops the landing there, as a crash would).
    public enum Stage: Equatable, Sendable, CustomStringConvertible {
        case capturing, mapping, journaling, applying(index: Int, count: Int), syncing, discardingJournal, done

        public var description: String {
            switch self {
            case .capturing: "capturing"
            case .mapping: "mapping"
            case .journaling: "journaling"
            case .applying(let index, let count): "applying \(index + 1)/\(count)"
            case .syncing: "syncing"
            case .discardingJournal: "discarding-journal"
            case .done: "done"
            }
        }
    }

    /// Commits `overlay` (a qcow2 kdumpbake made, whose backing file is `image` in `format`)
    /// into `image`, crash-safely. `work` is a private directory for the capture file. The
    /// caller holds the image's exclusive lock. `progress` gets 0…1.
    public static func land(overlay: String, image: String, format: DiskImageFormat, work: String,
                            progress: ((Double) -> Void)? = nil, observe: (Stage) throws -> Void = { _ in }) throws {
        // qemu resolves a relative backing name against the capture's directory, not ours.
        let image = URL(fileURLWithPath: image).standardizedFileURL.path
        let target = try RawFile(path: image, access: .readWrite)
        let originalSize = try target.size
        let grows = try format == .qcow2 || (format == .vhd && VHDFooter.read(path: image).diskType == .dynamic)
        let capture = (work as NSString).appendingPathComponent("capture.qcow2")

        try observe(.capturing)
        // Formats that allocate at the end of the file (qcow2, dynamic VHD) get room to grow: at
        // most every overlay byte lands in a new cluster, plus metadata for it.
        let overlaySize = try RawFile(path: overlay, access: .read).size
        let room = grows ? overlaySize * 2 + (64 << 20) : 0
        try QemuImg.createCapture(capture, over: image, size: originalSize + room)
        try QemuImg.rebaseUnsafe(overlay, onto: captureBackingName(capture: capture, format: format), format: format)
        try QemuImg.commit(overlay, progress: progress.map { report in { report($0 * 0.8) } })

        try observe(.mapping)
        var writes = try CommitWrite.parse(map: try QemuImg.map(capture))
        if !grows { writes = CommitWrite.clipped(writes, to: originalSize) }
        let finalSize = max(originalSize, writes.map(\.end).max() ?? 0)

        try observe(.journaling)
        let source = try RawFile(path: capture, access: .read)
        try UndoJournal.record(image: target, writes: writes, source: source, finalSize: finalSize)

        // From here the image is written. A host error (EIO, ENOSPC while growing) rolls it back at
        // once, so a failed landing leaves it as it was, like any other failed patch.
        func undoingOnError(_ body: () throws -> Void) throws {
            do { try body() } catch {
                do { _ = try UndoJournal.recover(image: image) } catch let rollback {
                    throw DiskImageError(path: image, message: "writing the patch into the image failed (\(error)) and rolling it back failed too (\(rollback)): the image may be partly written; its undo journal \(UndoJournal.path(for: image)) remains — run `kdumpbake recover \(image)` once the cause is fixed")
                }
                throw error
            }
        }
        if finalSize > originalSize { try undoingOnError { try target.truncate(to: finalSize) } }
        let total = max(1, writes.reduce(0) { $0 + $1.length })
        var copied: UInt64 = 0
        for (index, write) in writes.enumerated() {
            try observe(.applying(index: index, count: writes.count))
            try undoingOnError { try copy(write, from: source, to: target) }
            copied += write.length
            progress?(0.8 + 0.2 * Double(copied) / Double(total))
        }
        try observe(.syncing)
        try undoingOnError { try target.sync() }
        try observe(.discardingJournal)
        try undoingOnError { try UndoJournal.discard(for: image) }
        progress?(1)
        try observe(.done)
    }

    /// The capture layer's backing description for the overlay: the image's format driver over
    /// the capture file (itself over the image's raw bytes). A `json:` name is how qemu takes a
    /// node graph as a backing file; every path in it is one kdumpbake chose.
    static func captureBackingName(capture: String, format: DiskImageFormat) throws -> String {
        let graph: [String: Any] = [
            "driver": format.qemuName,
            "file": ["driver": "qcow2", "file": ["driver": "file", "filename": capture]],
        ]
        let data = try JSONSerialization.data(withJSONObject: graph, options: [.sortedKeys, .withoutEscapingSlashes])
        return "json:" + String(decoding: data, as: UTF8.self)
    }

    private static func copy(_ write: CommitWrite, from source: RawFile, to target: RawFile) throws {
        try UndoJournal.forEachChunk(of: write.length) { done, count in
            try target.write(try write.newBytes(at: done, count: count, from: source), at: write.offset + done)
        }
    }
}

extension InPlaceCommit {
    /// `kdumpbake recover`: under the image's exclusive lock, rolls back a landing that was
    /// interrupted (see `UndoJournal.recover`). Returns one line saying what was done.
    public static func recover(image: String) throws -> String {
        let lock = try ImageLock(path: image, mode: .exclusive)
        defer { withExtendedLifetime(lock) {} }
        return switch try UndoJournal.recover(image: image) {
        case .nothingToDo: "\(image): no interrupted commit; nothing to do"
        case .removedUnfinishedJournal: "\(image): removed an unfinished undo journal; the commit had not started writing, the image is as it was"
        case .rolledBack(let ranges, let bytes): "\(image): rolled back an interrupted commit (\(ranges) ranges, \(bytes) bytes restored); the image is as it was before the patch"
        }
    }
}
