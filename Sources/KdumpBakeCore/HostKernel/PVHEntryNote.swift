/// Whether an uncompressed x86-64 kernel (`vmlinux`) can be booted by qemu's `-kernel` directly:
/// qemu starts an ELF kernel at its PVH entry point, which the kernel announces in an ELF note
/// named "Xen" of type 18 (XEN_ELFNOTE_PHYS32_ENTRY; kernels built with CONFIG_PVH=y, as Debian's
/// and Ubuntu's are). Without that note qemu refuses the file, so kdumpbake keeps the bzImage.
public enum PVHEntryNote {
    static let type: UInt32 = 18
    static let ptNote: UInt32 = 4

    /// True when `bytes` are a little-endian ELF64 x86-64 image with a PT_NOTE segment holding
    /// the PVH entry note. Bounded: every offset is checked against the bytes, at most 64 program
    /// headers and 4 KiB of notes per segment are read.
    public static func present(in bytes: [UInt8]) -> Bool {
        guard bytes.count >= 64, Array(bytes[0..<4]) == [0x7F, 0x45, 0x4C, 0x46], bytes[4] == 2, bytes[5] == 1,
              bytes.littleEndian16(at: 0x12) == 62 else { return false }
        let tableOffset = bytes.littleEndian64(at: 0x20)
        let entrySize = Int(bytes.littleEndian16(at: 0x36)), entries = Int(bytes.littleEndian16(at: 0x38))
        guard entrySize >= 56, entries <= 64, tableOffset <= UInt64(bytes.count),
              entries * entrySize <= bytes.count - Int(tableOffset) else { return false }
        for index in 0..<entries {
            let header = Int(tableOffset) + index * entrySize
            guard bytes.littleEndian32(at: header) == ptNote else { continue }
            let offset = bytes.littleEndian64(at: header + 8), size = bytes.littleEndian64(at: header + 32)
            guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else { continue }
            if notes(bytes, from: Int(offset), count: min(Int(size), 4096)).contains(where: { $0.name == "Xen" && $0.type == type }) {
                return true
            }
        }
        return false
    }

    /// The (name, type) of each note in `bytes[from..<from + count]`: name size, description
    /// size and type, then the name and the description, each padded to 4 bytes.
    static func notes(_ bytes: [UInt8], from start: Int, count: Int) -> [(name: String, type: UInt32)] {
        var found: [(name: String, type: UInt32)] = []
        var cursor = start
        let end = start + count
        func padded(_ size: Int) -> Int { (size + 3) & ~3 }
        while cursor + 12 <= end {
            let nameSize = Int(bytes.littleEndian32(at: cursor)), descriptionSize = Int(bytes.littleEndian32(at: cursor + 4))
            let type = bytes.littleEndian32(at: cursor + 8)
            guard nameSize <= 64, descriptionSize <= end, cursor + 12 + padded(nameSize) + padded(descriptionSize) <= end else { break }
            let name = bytes[(cursor + 12)..<(cursor + 12 + nameSize)].prefix { $0 != 0 }
            found.append((String(decoding: name, as: UTF8.self), type))
            cursor += 12 + padded(nameSize) + padded(descriptionSize)
        }
        return found
    }
}
