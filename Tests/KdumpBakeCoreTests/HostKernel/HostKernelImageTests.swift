import Foundation
@testable import KdumpBakeCore
import Testing

/// The bzImage payload and the PVH note, on crafted bytes (the host's real kernel is read by
/// `DirectBootKernelTests`, where its payload is decompressed too).
@Suite struct HostKernelImageTests {
    /// A bzImage-shaped buffer: `setupSectors` (0 means 4), protocol `version`, and `payload` placed
    /// `offset` bytes after the setup sectors, followed by `tail` bytes.
    static func bzImage(setupSectors: UInt8 = 1, version: UInt16 = 0x020F, offset: UInt32 = 16, payload: [UInt8], declaredLength: UInt32? = nil,
                        declaredOffset: UInt32? = nil, tail: Int = 64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 0x260)
        bytes[0x1F1] = setupSectors
        bytes.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        put(version, &bytes, 0x206)
        put(declaredOffset ?? offset, &bytes, 0x248)
        put(declaredLength ?? UInt32(payload.count), &bytes, 0x24C)
        let start = (Int(setupSectors == 0 ? 4 : setupSectors) + 1) * 512 + Int(offset)
        bytes += [UInt8](repeating: 0xAA, count: start - bytes.count)
        return bytes + payload + [UInt8](repeating: 0x55, count: tail)
    }

    static func put<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8], _ offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0) }
    }

    @Test func payloadRangeAndFormatComeFromTheSetupHeader() throws {
        let xz: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] + [UInt8](repeating: 7, count: 30) + [0x10, 0x20, 0x30, 0x40]
        let image = Self.bzImage(payload: xz)
        let found = try #require(BzImagePayload.locate(in: image))
        #expect(found.compression == .xz)
        #expect(found.range == (1040..<(1040 + xz.count - 4)), "the size trailer the kernel build appends is not part of the stream")
        #expect(Array(image[found.range]) == Array(xz.dropLast(4)))
        // gzip carries its size in its own trailer: the whole payload is the stream.
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08] + [UInt8](repeating: 1, count: 20)
        let zipped = try #require(BzImagePayload.locate(in: Self.bzImage(setupSectors: 0, payload: gzip)))
        #expect(zipped.compression == .gzip && zipped.range == (2576..<(2576 + gzip.count)))
        for (magic, format) in [([0x28, 0xB5, 0x2F, 0xFD], BzImagePayload.Compression.zstd), ([0x42, 0x5A, 0x68], .bzip2),
                                ([0x02, 0x21, 0x4C, 0x18], .lz4), ([0x5D, 0x00, 0x00], .lzma)] as [([UInt8], BzImagePayload.Compression)] {
            #expect(BzImagePayload.locate(in: Self.bzImage(payload: magic + [UInt8](repeating: 9, count: 20)))?.compression == format)
        }
    }

    @Test func anythingElseIsNotABzImageWithAPayload() {
        let xz: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] + [UInt8](repeating: 7, count: 30)
        #expect(BzImagePayload.locate(in: Self.bzImage(version: 0x0207, payload: xz)) == nil, "protocol 2.07 has no payload fields")
        #expect(BzImagePayload.locate(in: Self.bzImage(payload: [0x89, 0x4C, 0x5A, 0x4F] + xz)) == nil, "lzo: no decompressor here")
        #expect(BzImagePayload.locate(in: Self.bzImage(payload: xz, declaredLength: 1 << 30)) == nil, "payload past the end")
        #expect(BzImagePayload.locate(in: Self.bzImage(payload: xz, declaredOffset: 0xFFFF_FFF0)) == nil)
        #expect(BzImagePayload.locate(in: Array(Self.bzImage(payload: xz).prefix(0x240))) == nil, "cut inside the header")
        var notHdrS = Self.bzImage(payload: xz)
        notHdrS[0x202] = 0
        #expect(BzImagePayload.locate(in: notHdrS) == nil)
        #expect(BzImagePayload.locate(in: Array("#!/bin/sh\n".utf8)) == nil)
    }

    /// An ELF64 x86-64 header, one PT_LOAD and one PT_NOTE program header, and the notes.
    static func elf(notes: [(name: String, type: UInt32)], elfClass: UInt8 = 2, machine: UInt16 = 62, programHeaders: UInt16 = 2) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 64 + 2 * 56)
        bytes.replaceSubrange(0..<6, with: [0x7F, 0x45, 0x4C, 0x46, elfClass, 1])
        put(machine, &bytes, 0x12)
        put(UInt64(64), &bytes, 0x20)
        put(UInt16(56), &bytes, 0x36)
        put(programHeaders, &bytes, 0x38)
        put(UInt32(1), &bytes, 64)  // PT_LOAD
        var area: [UInt8] = []
        for note in notes {
            var name = Array(note.name.utf8) + [0]
            let nameSize = name.count
            while name.count % 4 != 0 { name.append(0) }
            var header = [UInt8](repeating: 0, count: 12)
            put(UInt32(nameSize), &header, 0)
            put(UInt32(4), &header, 4)
            put(note.type, &header, 8)
            area += header + name + [1, 2, 3, 4]
        }
        put(UInt32(4), &bytes, 120)  // PT_NOTE
        put(UInt64(bytes.count), &bytes, 128)
        put(UInt64(area.count), &bytes, 152)
        return bytes + area
    }

    @Test func thePVHEntryNoteIsFoundOnlyWhereQemuLooksForIt() {
        #expect(PVHEntryNote.present(in: Self.elf(notes: [("GNU", 3), ("Xen", 6), ("Xen", 18)])))
        #expect(!PVHEntryNote.present(in: Self.elf(notes: [("GNU", 3), ("Xen", 6)])), "a Xen kernel without the PVH entry")
        #expect(!PVHEntryNote.present(in: Self.elf(notes: [("Linux", 18)])))
        #expect(!PVHEntryNote.present(in: Self.elf(notes: [("Xen", 18)], elfClass: 1)), "not ELF64")
        #expect(!PVHEntryNote.present(in: Self.elf(notes: [("Xen", 18)], machine: 183)), "not x86-64")
        #expect(!PVHEntryNote.present(in: Self.elf(notes: [("Xen", 18)], programHeaders: 60_000)), "a table past the end")
        #expect(!PVHEntryNote.present(in: Array(Self.elf(notes: [("Xen", 18)]).prefix(180))), "notes cut short")
        #expect(!PVHEntryNote.present(in: Array("#!/bin/sh\n".utf8)))
    }

    @Test func randomBytesNeverCrashEitherReader() {
        var generator = SystemRandomNumberGenerator()
        let base = Self.elf(notes: [("Xen", 18)])
        let image = Self.bzImage(payload: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] + [UInt8](repeating: 7, count: 30))
        for _ in 0..<2000 {
            var elf = base, bz = image
            for _ in 0..<4 {
                elf[Int.random(in: 0..<elf.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                bz[Int.random(in: 0..<bz.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = PVHEntryNote.present(in: Array(elf.prefix(Int.random(in: 0...elf.count, using: &generator))))
            _ = BzImagePayload.locate(in: Array(bz.prefix(Int.random(in: 0...bz.count, using: &generator))))
        }
    }
}
