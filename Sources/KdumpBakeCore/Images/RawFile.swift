import Foundation

/// A host file opened for positioned, whole reads and writes: what the undo journal and the
/// in-place landing need (short reads and writes retried, EINTR too, errors naming the file).
package final class RawFile {
    package let path: String
    let descriptor: Int32

    package enum Access { case read, readWrite, createExclusive }

    package init(path: String, access: Access) throws {
        self.path = path
        let flags: Int32 = switch access {
        case .read: O_RDONLY
        case .readWrite: O_RDWR
        case .createExclusive: O_RDWR | O_CREAT | O_EXCL
        }
        descriptor = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw DiskImageError(path: path, errno: errno) }
    }

    deinit { _ = close(descriptor) }

    var size: UInt64 {
        get throws {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw DiskImageError(path: path, errno: errno) }
            return UInt64(info.st_size)
        }
    }

    /// Device and inode: which file this is, whatever its name.
    var identity: (device: UInt64, inode: UInt64) {
        get throws {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw DiskImageError(path: path, errno: errno) }
            return (UInt64(info.st_dev), UInt64(info.st_ino))
        }
    }

    /// Exactly `count` bytes at `offset`; a file shorter than that is an error.
    package func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw DiskImageError(path: path, errno: errno) }
            guard got > 0 else { throw DiskImageError(path: path, message: "ends at \(offset + UInt64(done)), expected \(count - done) more bytes") }
            done += got
        }
        return buffer
    }

    func write(_ bytes: [UInt8], at offset: UInt64) throws {
        var done = 0
        while done < bytes.count {
            let put = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if put < 0, errno == EINTR { continue }
            guard put > 0 else { throw DiskImageError(path: path, errno: put < 0 ? errno : EIO) }
            done += put
        }
    }

    func truncate(to size: UInt64) throws {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw DiskImageError(path: path, errno: errno) }
    }

    package func sync() throws {
        guard fsync(descriptor) == 0 else { throw DiskImageError(path: path, errno: errno) }
    }

    /// fsync of a directory: makes a rename or unlink in it durable.
    static func syncDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DiskImageError(path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw DiskImageError(path: directory, errno: errno) }
    }
}
