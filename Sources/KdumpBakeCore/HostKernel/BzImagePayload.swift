/// Where the compressed kernel sits inside an x86 bzImage, and how it is compressed.
///
/// Why kdumpbake looks inside the host's kernel: under TCG, qemu emulates the bzImage's own
/// decompressor instruction by instruction, about 3–4 CPU-seconds of every appliance launch on
/// an xz-compressed Debian kernel (a quarter of a bare launch). The same kernel, decompressed once on
/// the host, boots straight into its PVH entry (`DirectBootKernel`). Only the host's kernel (the
/// one libguestfs's supermin copied from /boot) is ever read here, never a guest's.
///
/// The layout is the x86 boot protocol's (Documentation/arch/x86/boot.rst): the "HdrS" setup
/// header at 0x202, its version at 0x206, the setup sectors at 0x1F1, and from version 2.08
/// `payload_offset` (0x248, counted from the protected-mode code after the setup sectors) and
/// `payload_length` (0x24C).
public struct BzImagePayload: Equatable, Sendable {
    public enum Compression: String, Equatable, Sendable, CaseIterable {
        case gzip, bzip2, lzma, xz, lz4, zstd
    }

    /// The payload's bytes in the file, without the 4-byte decompressed size the kernel build
    /// appends after every format but gzip (whose own trailer already holds it): exactly the
    /// compressed stream a decompressor expects.
    public var range: Range<Int>
    public var compression: Compression

    public init(range: Range<Int>, compression: Compression) {
        self.range = range
        self.compression = compression
    }

    /// The payload of `bytes`, or nil when they are not a bzImage of boot protocol 2.08 or later,
    /// the payload lies outside them, or its compression is one kdumpbake does not decompress.
    public static func locate(in bytes: [UInt8]) -> BzImagePayload? {
        guard bytes.count > 0x250, Array(bytes[0x202..<0x206]) == Array("HdrS".utf8),
              bytes.littleEndian16(at: 0x206) >= 0x0208 else { return nil }
        let setupSectors = bytes[0x1F1] == 0 ? 4 : Int(bytes[0x1F1])
        let start = (setupSectors + 1) * 512 + Int(bytes.littleEndian32(at: 0x248))
        let length = Int(bytes.littleEndian32(at: 0x24C))
        guard length > 8, start <= bytes.count, length <= bytes.count - start,
              let compression = compression(of: bytes[start..<min(start + 6, start + length)]) else { return nil }
        let trailer = compression == .gzip ? 0 : 4
        return BzImagePayload(range: start..<(start + length - trailer), compression: compression)
    }

    /// The format announced by the first bytes of a compressed stream (the magics the kernel's
    /// build writes: gzip, bzip2's "BZh", lzma's properties byte, xz, lz4's legacy frame, zstd).
    static func compression(of head: ArraySlice<UInt8>) -> Compression? {
        let head = Array(head)
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head[0..<magic.count]) == magic }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0x42, 0x5A, 0x68]) { return .bzip2 }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if starts([0x02, 0x21, 0x4C, 0x18]) { return .lz4 }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if starts([0x5D, 0x00, 0x00]) { return .lzma }
        return nil
    }
}
