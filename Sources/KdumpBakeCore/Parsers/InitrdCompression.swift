/// How one segment of an initrd is stored, recognised by its leading magic bytes (the same
/// magics the kernel's initramfs unpacker and dracut's lsinitrd look for).
public enum InitrdCompression: String, Sendable, Equatable, CaseIterable {
    case none, gzip, xz, zstd, lz4, bzip2, lzma

    /// Detects the format of the data starting at `offset`; nil when unknown.
    public static func detect(_ bytes: [UInt8], at offset: Int = 0) -> InitrdCompression? {
        func starts(_ magic: [UInt8]) -> Bool {
            offset >= 0 && bytes.count - offset >= magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if starts(Array("070701".utf8)) || starts(Array("070702".utf8)) { return InitrdCompression.none }
        if starts([0x1f, 0x8b]) || starts([0x1f, 0x9e]) { return .gzip } // 1f 9e: old gzip, still accepted by gzip -d
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        if starts([0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if starts([0x02, 0x21, 0x4c, 0x18]) { return .lz4 }
        if starts(Array("BZh".utf8)) { return .bzip2 }
        if starts([0x5d, 0x00, 0x00]) { return .lzma }
        return nil
    }

    /// The host command (argv) that writes the decompressed stream to stdout. xz stops after
    /// the first stream so zero padding after it is not an error.
    var decompressor: [String]? {
        switch self {
        case .none: nil
        case .gzip: ["gzip", "-dc"]
        case .xz: ["xz", "-dc", "--single-stream"]
        case .zstd: ["zstd", "-dc"]
        case .lz4: ["lz4", "-dc"]
        case .bzip2: ["bzip2", "-dc"]
        case .lzma: ["xz", "--format=lzma", "-dc"]
        }
    }
}
