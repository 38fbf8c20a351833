import Foundation

/// An advisory lock on a disk image: shared for `audit`, exclusive for `patch`.
///
/// qemu locks images it writes, but a read-only session disables locking on the file, so
/// without this an audit could read an image half-way through a patch. The lock is a `flock`
/// on the image file itself, opened read-only: taking it never changes the image, and the
/// kernel drops it if kdumpbake dies, so a killed run leaves no stale lock behind.
public final class ImageLock {
    public enum Mode: Sendable { case shared, exclusive }

    public let path: String
    private let descriptor: Int32

    /// Takes the lock or fails at once (never waits) with a line naming the holder.
    public init(path: String, mode: Mode) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DiskImageError(path: path, errno: errno) }
        if flock(descriptor, (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            let code = errno
            let holder = Self.holderPID(of: descriptor).map { "locked by PID \($0)" } ?? "locked by another process"
            _ = close(descriptor)
            throw DiskImageError(path: path, message: code == EWOULDBLOCK
                ? "\(holder) (another kdumpbake \(mode == .shared ? "is patching it" : "is using it")); try again when it has finished"
                : "cannot lock: \(String(cString: strerror(code)))")
        }
    }

    deinit {
        _ = flock(descriptor, LOCK_UN)
        _ = close(descriptor)
    }

    /// The PID holding a flock on the same inode, from /proc/locks
    /// (`1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF`).
    static func holderPID(of descriptor: Int32) -> Int32? {
        var info = stat()
        guard fstat(descriptor, &info) == 0,
              let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let inodeSuffix = ":\(info.st_ino)"
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK" else { continue }
            // Fields: id, FLOCK, ADVISORY, READ|WRITE, pid, maj:min:inode …; "->" marks waiters.
            let offset = fields[1] == "->" ? 1 : 0
            let device = fields[5 + offset]
            if device.hasSuffix(inodeSuffix), let pid = Int32(fields[4 + offset]), pid != getpid() { return pid }
        }
        return nil
    }
}
