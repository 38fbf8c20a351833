/// Builders for the binary formats fuzzed here (newc cpio archives, VHD footers and dynamic
/// VHD headers), written from the format descriptions rather than produced by host tools, so
/// the target needs no cpio or qemu-img and every byte of a seed is known to the test.
enum NewcArchive {
    struct Member: Sendable, Equatable {
        var name: String
        var mode: UInt32
        var data: [UInt8]
    }

    /// A newc archive of `members` followed by TRAILER!!!, each header and data padded to 4 bytes.
    static func bytes(_ members: [Member], magic: String = "070701") -> [UInt8] {
        var bytes: [UInt8] = []
        for (number, member) in (members + [Member(name: "TRAILER!!!", mode: 0, data: [])]).enumerated() {
            let name = Array(member.name.utf8) + [0]
            // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
            let fields: [UInt32] = [UInt32(number + 1), member.mode, 0, 0, 1, 1_700_000_000, UInt32(member.data.count),
                                    8, 1, 0, 0, UInt32(name.count), 0]
            bytes += Array(magic.utf8)
            for field in fields {
                let hex = String(field, radix: 16, uppercase: true)
                bytes += Array((String(repeating: "0", count: 8 - hex.count) + hex).utf8)
            }
            bytes += name
            pad(&bytes)
            bytes += member.data
            pad(&bytes)
        }
        return bytes
    }

    private static func pad(_ bytes: inout [UInt8]) {
        bytes += [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
    }

    /// A kdump initrd's shape: directories, modules, a symlink, an empty file.
    static let initrd: [Member] = [
        Member(name: ".", mode: 0o040755, data: []),
        Member(name: "usr/lib/modules/3.10.0-1160.el7.x86_64/kernel/drivers/hv/hv_vmbus.ko.xz", mode: 0o100644, data: Array("\u{FD}7zXZ module".utf8)),
        Member(name: "usr/lib/modules/3.10.0-1160.el7.x86_64/kernel/drivers/hid/hid-hyperv.ko", mode: 0o100644, data: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]),
        Member(name: "init", mode: 0o120777, data: Array("usr/lib/systemd/systemd".utf8)),
        Member(name: "etc/kdump.conf", mode: 0o100644, data: Array("path /var/crash\n".utf8)),
        Member(name: "empty", mode: 0o100600, data: []),
    ]

    /// Seeds: one archive, the early-microcode layout (two archives with zero padding between),
    /// and the checksum variant of the magic.
    static let seeds: [Seed] = [
        Seed("newc initrd", bytes: bytes(initrd)),
        Seed("microcode + initrd", bytes: bytes([Member(name: "kernel/x86/microcode/GenuineIntel.bin", mode: 0o100644, data: [1, 2, 3, 4, 5])])
             + [UInt8](repeating: 0, count: 512) + bytes(Array(initrd.prefix(3)))),
        Seed("070702", bytes: bytes(Array(initrd.suffix(2)), magic: "070702")),
    ]

    static let tokens = ["070701", "070702", "070707", "TRAILER!!!", "TRAILER!!!\0", "00000000", "FFFFFFFF", "0000100", "ffffffff"]
}

/// A VHD footer (512 bytes, big-endian) built field by field.
struct VHDFooterFields: Sendable, Equatable {
    var dataOffset: UInt64 = .max
    var timestamp: UInt32 = 0x2C00_0000
    var creator: [UInt8] = Array("qem2".utf8)
    var originalSize: UInt64 = 64 << 10
    var currentSize: UInt64 = 64 << 10
    var cylinders: UInt16 = 4
    var heads: UInt8 = 16
    var sectorsPerTrack: UInt8 = 2
    var diskType: UInt32 = 2
    /// nil: the correct checksum.
    var checksum: UInt32?

    func bytes() -> [UInt8] {
        var footer = [UInt8](repeating: 0, count: 512)
        BigEndian.put(Array("conectix".utf8), into: &footer, at: 0)
        BigEndian.put(UInt32(2), into: &footer, at: 8)  // features: reserved bit always set
        BigEndian.put(UInt32(0x0001_0000), into: &footer, at: 12)
        BigEndian.put(dataOffset, into: &footer, at: 16)
        BigEndian.put(timestamp, into: &footer, at: 24)
        BigEndian.put(creator, into: &footer, at: 28)
        BigEndian.put(originalSize, into: &footer, at: 40)
        BigEndian.put(currentSize, into: &footer, at: 48)
        BigEndian.put(cylinders, into: &footer, at: 56)
        footer[58] = heads
        footer[59] = sectorsPerTrack
        BigEndian.put(diskType, into: &footer, at: 60)
        for index in 68..<84 { footer[index] = UInt8(index * 37 & 0xFF) }  // unique id
        BigEndian.put(checksum ?? Self.checksum(footer, excluding: 64..<68), into: &footer, at: 64)
        return footer
    }

    /// One's complement of the byte sum, the checksum field excluded (footer and header alike).
    static func checksum(_ bytes: [UInt8], excluding field: Range<Int>) -> UInt32 {
        var sum: UInt32 = 0
        for (index, byte) in bytes.enumerated() where !field.contains(index) { sum &+= UInt32(byte) }
        return ~sum
    }
}

/// A small but complete dynamic VHD in memory: footer copy, 1,024-byte `cxsparse` header,
/// block allocation table, allocated blocks (sector bitmap + data), footer.
enum DynamicVHD {
    static let blockSize: UInt32 = 4096
    static let tableEntries: UInt32 = 16
    static let headerOffset = 512
    static let tableOffset = 1536
    /// Footer copy, header and table: the structure fuzzed, kept apart from the block data.
    static let metadataSize = 2048

    static func header(tableOffset: UInt64 = UInt64(tableOffset), entries: UInt32 = tableEntries,
                       blockSize: UInt32 = blockSize, checksum: UInt32? = nil) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 1024)
        BigEndian.put(Array("cxsparse".utf8), into: &header, at: 0)
        BigEndian.put(UInt64.max, into: &header, at: 8)
        BigEndian.put(tableOffset, into: &header, at: 16)
        BigEndian.put(UInt32(0x0001_0000), into: &header, at: 24)
        BigEndian.put(entries, into: &header, at: 28)
        BigEndian.put(blockSize, into: &header, at: 32)
        BigEndian.put(checksum ?? VHDFooterFields.checksum(header, excluding: 36..<40), into: &header, at: 36)
        return header
    }

    /// Blocks 0 and 3 allocated, back to back after the metadata; the rest unallocated.
    static let allocated: [Int] = [0, 3]
    static let blockSpan = 512 + Int(blockSize)

    /// The structure part and the data part of a sound image: `metadata + blocks + footer`.
    static func parts() -> (metadata: [UInt8], blocks: [UInt8], footer: [UInt8]) {
        let footer = VHDFooterFields(dataOffset: UInt64(headerOffset), diskType: 3).bytes()
        var metadata = footer + header()
        var table = [UInt8](repeating: 0xFF, count: Int(tableEntries) * 4)
        for (number, block) in allocated.enumerated() {
            BigEndian.put(UInt32((metadataSize + number * blockSpan) / 512), into: &table, at: block * 4)
        }
        metadata += table
        metadata += [UInt8](repeating: 0, count: metadataSize - metadata.count)
        var blocks: [UInt8] = []
        for number in allocated.indices {
            blocks += [UInt8](repeating: 0xFF, count: 512)  // sector bitmap: every sector present
            blocks += (0..<Int(blockSize)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ number) }
        }
        return (metadata, blocks, footer)
    }

    /// The fuzzed form of an image: metadata + footer (the bytes worth mutating).
    static func seed() -> [UInt8] {
        let (metadata, _, footer) = parts()
        return metadata + footer
    }

    /// The whole image from a (possibly mutated) seed: everything but its last 512 bytes, the
    /// block data, then its last 512 bytes as the footer.
    static func image(fromSeed seed: [UInt8]) -> [UInt8] {
        let footerStart = max(0, seed.count - 512)
        return Array(seed[..<footerStart]) + parts().blocks + Array(seed[footerStart...])
    }
}

enum BigEndian {
    static func put<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
        let size = MemoryLayout<T>.size
        for index in 0..<size {
            bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * (size - 1 - index)))
        }
    }

    static func put(_ raw: [UInt8], into bytes: inout [UInt8], at offset: Int) {
        bytes.replaceSubrange(offset..<offset + raw.count, with: raw)
    }
}
