import Foundation

/// A writer for the "newc" cpio format (the one Linux initramfs images use).
///
/// Written here rather than with host `cpio` so the stand-in boot initramfs is byte-for-byte reproducible
/// (fixed mtimes and inode numbers) without materialising a directory for it.
struct Newc {
    private var archive = Data()
    private var nextInode = 1

    mutating func directory(_ path: String, mode: Int = 0o755) {
        append(path, mode: 0o040000 | mode, data: Data())
    }

    mutating func file(_ path: String, _ contents: String, mode: Int = 0o644) {
        append(path, mode: 0o100000 | mode, data: Data(contents.utf8))
    }

    /// The archive with its `TRAILER!!!` record.
    mutating func finish() -> Data {
        append("TRAILER!!!", mode: 0, data: Data(), inode: 0)
        return archive
    }

    private mutating func append(_ path: String, mode: Int, data: Data, inode: Int? = nil) {
        let name = Data(path.utf8) + Data([0])
        let ino = inode ?? nextInode
        nextInode += 1
        let fields = [ino, mode, 0, 0, mode & 0o040000 != 0 ? 2 : 1, 0, data.count, 0, 0, 0, 0, name.count, 0]
        archive += Data(("070701" + fields.map { String(format: "%08X", $0) }.joined()).utf8)
        archive += name
        pad()
        archive += data
        pad()
    }

    /// Header+name and data are each padded to a multiple of 4 bytes.
    private mutating func pad() {
        archive += Data(count: (4 - archive.count % 4) % 4)
    }
}
