import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Copies a sparse file into a region of another file, visiting only the source's data extents
/// (SEEK_DATA/seekHole) and skipping all-zero chunks, so the destination stays sparse.
///
/// This replaces `dd conv=notrunc,sparse` for placing the xfs side file into its partition: dd reads
/// every byte of the 450 MiB file (about a second here); the extents are a few MiB plus xfs's 64 MiB log.
enum SparseCopy {
    private static let chunk = 1 << 20
    /// Linux's SEEK_DATA / SEEK_HOLE: glibc defines them only under _GNU_SOURCE, so Swift does not see them.
    private static let seekData: Int32 = 3, seekHole: Int32 = 4

    static func copy(_ source: String, into destination: String, atOffset offset: Int) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw failure("open", source) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CLOEXEC)
        guard output >= 0 else { throw failure("open", destination) }
        defer { close(output) }

        let end = lseek(input, 0, SEEK_END)
        var buffer = [UInt8](repeating: 0, count: chunk)
        var position: off_t = 0
        while position < end {
            let data = lseek(input, position, seekData)
            if data < 0 { break }                       // ENXIO: only a hole remains
            let hole = lseek(input, data, seekHole)
            var at = data
            while at < hole {
                let wanted = Int(min(off_t(chunk), hole - at))
                let got = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, wanted, at) }
                guard got > 0 else { throw failure("read", source) }
                if buffer[0..<got].contains(where: { $0 != 0 }) {
                    let put = buffer.withUnsafeBytes { pwrite(output, $0.baseAddress, got, at + off_t(offset)) }
                    guard put == got else { throw failure("write", destination) }
                }
                at += off_t(got)
            }
            position = hole
        }
    }

    private static func failure(_ what: String, _ path: String) -> TestImageError {
        TestImageError.message("cannot \(what) \(path): \(String(cString: strerror(errno)))")
    }
}
