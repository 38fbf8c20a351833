import Foundation
import Glibc

/// Bytes a child reads on its standard input, staged in a file before the spawn.
///
/// Writing them into a pipe after the spawn needs a writer thread, blocks when the child stops
/// reading, and raises SIGPIPE in the parent when the child exits first (a corrupt initrd makes
/// a decompressor do exactly that). A file has none of that: the child reads what it wants and
/// the rest is never looked at. The file is unlinked as soon as it is created; only the open
/// descriptor keeps it, so it disappears with the last close, whatever happens to either process.
/// (A SIGKILL in the microseconds between create and unlink would leave it in the temporary
/// directory; Swift cannot reach memfd_create or O_TMPFILE, which would close even that.)
enum StagedInput {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A read-only-positioned descriptor at offset 0 of an unlinked file holding `bytes`.
    static func file(holding bytes: [UInt8]) throws(Failure) -> Int32 {
        var template = Array((NSTemporaryDirectory() + "/kdumpbake-stdin.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Failure(description: "create in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))") }
        unlink(template)
        // Not inherited by children spawned meanwhile on other threads; the spawn dup2s it onto 0.
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        do throws(Failure) {
            try writeAll(bytes, to: descriptor)
            guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw Failure(description: "seek: \(String(cString: strerror(errno)))") }
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(Failure) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return count < 0 ? errno : ENOSPC }
                written += count
            }
            return nil
        }
        if let failure { throw Failure(description: "write: \(String(cString: strerror(failure)))") }
    }
}
