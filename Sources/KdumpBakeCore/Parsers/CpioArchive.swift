/// One member of a newc cpio archive.
public struct CpioEntry: Sendable, Equatable {
    /// The path as stored (no leading `/`; `./` kept when the archiver wrote it).
    public var name: String
    /// st_mode: file type and permission bits.
    public var mode: UInt32
    public var size: Int
    /// Where the entry's data lies in the buffer that was read.
    public var dataRange: Range<Int>

    public var isDirectory: Bool { mode & 0o170000 == 0o040000 }
    public var isRegularFile: Bool { mode & 0o170000 == 0o100000 }
    public var isSymlink: Bool { mode & 0o170000 == 0o120000 }
}

/// A reader for the "newc" cpio format ("070701", and "070702" with checksums) that Linux
/// initramfs images use.
///
/// Written in Swift instead of calling libguestfs `initrd_list`, which (1.48) only understands a
/// single gzip-compressed archive, while real kdump initrds are an uncompressed early-microcode
/// archive followed by an xz/zstd/gzip one. The input is a guest file, so every size field is
/// checked against the buffer before it is used and the name size is capped.
public struct CpioArchive: Sendable, Equatable {
    public static let headerSize = 110
    /// PATH_MAX: the kernel's initramfs unpacker rejects longer names too.
    public static let maxNameSize = 4096
    /// A real initrd has a few thousand entries; the cap bounds memory for a hostile archive of
    /// empty entries (each costs us far more than its 112 bytes).
    public static let maxEntries = 1_000_000

    public var entries: [CpioEntry]
    /// Offset just past the TRAILER!!! record and its padding: where a following archive (after
    /// optional zero padding) or compressed segment starts.
    public var endOffset: Int

    /// The entries of the archive at the start of `bytes` (TRAILER!!! excluded).
    public static func entries(in bytes: [UInt8]) throws(InitrdError) -> [CpioEntry] {
        try read(bytes, at: 0).entries
    }

    /// Reads one archive starting at `start`, stopping at TRAILER!!!. Padding to 4 bytes is
    /// counted from `start`. Throws on any inconsistency rather than guessing; never reads
    /// outside `bytes`.
    public static func read(_ bytes: [UInt8], at requestedStart: Int = 0) throws(InitrdError) -> CpioArchive {
        let start = max(0, requestedStart)
        var entries: [CpioEntry] = []
        var offset = start
        func align(_ value: Int) -> Int {
            let relative = value - start
            return start + relative + (4 - relative % 4) % 4
        }
        while true {
            guard offset < bytes.count else { throw .missingTrailer(offset: offset) }
            guard bytes.count - offset >= headerSize else { throw .truncatedHeader(offset: offset) }
            let magic = Array(bytes[offset..<offset + 6])
            guard magic == Array("070701".utf8) || magic == Array("070702".utf8) else {
                throw .badMagic(offset: offset, found: magic)
            }
            func field(_ index: Int, _ name: String) throws(InitrdError) -> UInt32 {
                let from = offset + 6 + index * 8
                var value: UInt32 = 0
                for byte in bytes[from..<from + 8] {
                    let digit: UInt8
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                    default: throw .badHexField(offset: offset, field: name)
                    }
                    value = value << 4 | UInt32(digit) // 8 digits: exactly 32 bits, cannot overflow
                }
                return value
            }
            let mode = try field(1, "mode")
            let fileSize = Int(try field(6, "filesize"))
            let nameSize = Int(try field(11, "namesize"))
            guard nameSize >= 1, nameSize <= maxNameSize else { throw .nameTooLong(offset: offset, size: nameSize) }
            let nameStart = offset + headerSize
            guard bytes.count - nameStart >= nameSize else { throw .truncatedName(offset: offset) }
            var nameBytes = bytes[nameStart..<nameStart + nameSize]
            if let nul = nameBytes.firstIndex(of: 0) { nameBytes = nameBytes[..<nul] }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let dataStart = align(nameStart + nameSize)
            guard dataStart <= bytes.count, bytes.count - dataStart >= fileSize else {
                throw .truncatedData(offset: offset, size: fileSize)
            }
            let dataEnd = dataStart + fileSize
            if name == "TRAILER!!!" {
                return CpioArchive(entries: entries, endOffset: min(align(dataEnd), bytes.count))
            }
            guard entries.count < maxEntries else { throw .tooManyEntries(offset: offset) }
            entries.append(CpioEntry(name: name, mode: mode, size: fileSize, dataRange: dataStart..<dataEnd))
            offset = align(dataEnd)
        }
    }
}
