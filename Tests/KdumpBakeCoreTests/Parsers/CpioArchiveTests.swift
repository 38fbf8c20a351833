import KdumpBakeCore
import Testing

extension Parsers {
    /// Hand-made newc archives, so each hostile case states exactly which bytes are wrong.
    struct NewcBytes {
        var bytes: [UInt8] = []

        mutating func entry(_ name: String, mode: UInt32 = 0o100644, data: [UInt8] = [], nameSize: UInt32? = nil,
                            fileSize: UInt32? = nil, magic: String = "070701") {
            let nameBytes = Array(name.utf8) + [0]
            let fields: [UInt32] = [1, mode, 0, 0, 1, 0, fileSize ?? UInt32(data.count), 0, 0, 0, 0,
                                    nameSize ?? UInt32(nameBytes.count), 0]
            bytes += Array(magic.utf8)
            for field in fields {
                let hex = String(field, radix: 16, uppercase: true)
                bytes += Array((String(repeating: "0", count: 8 - hex.count) + hex).utf8)
            }
            bytes += nameBytes
            pad()
            bytes += data
            pad()
        }

        mutating func trailer() { entry("TRAILER!!!", mode: 0) }

        mutating func pad() { bytes += [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) }

        static func archive(_ files: [(String, String)]) -> [UInt8] {
            var newc = NewcBytes()
            for (name, contents) in files { newc.entry(name, data: Array(contents.utf8)) }
            newc.trailer()
            return newc.bytes
        }
    }

    @Suite("newc cpio")
    struct CpioArchiveTests {
        @Test func readsEntriesAndData() throws {
            var newc = NewcBytes()
            newc.entry("usr", mode: 0o040755)
            newc.entry("usr/lib/modules/x/hv_vmbus.ko", data: Array("abc".utf8))
            newc.entry("init", mode: 0o120777, data: Array("usr/lib/systemd/systemd".utf8))
            newc.entry("empty")
            newc.trailer()
            let archive = try CpioArchive.read(newc.bytes)
            #expect(archive.entries.map(\.name) == ["usr", "usr/lib/modules/x/hv_vmbus.ko", "init", "empty"])
            #expect(archive.entries[0].isDirectory)
            #expect(archive.entries[1].isRegularFile)
            #expect(archive.entries[2].isSymlink)
            #expect(archive.entries[1].size == 3)
            #expect(Array(newc.bytes[archive.entries[1].dataRange]) == Array("abc".utf8))
            #expect(archive.endOffset == newc.bytes.count)
            #expect(try CpioArchive.entries(in: newc.bytes) == archive.entries)
        }

        @Test func secondArchiveAfterPadding() throws {
            let first = NewcBytes.archive([("kernel/x86/microcode/GenuineIntel.bin", "ucode")])
            let second = NewcBytes.archive([("init", "#!/bin/sh")])
            let bytes = first + [UInt8](repeating: 0, count: 512) + second
            let archive = try CpioArchive.read(bytes)
            #expect(archive.endOffset == first.count)
            let next = try CpioArchive.read(bytes, at: archive.endOffset + 512)
            #expect(next.entries.map(\.name) == ["init"])
            #expect(next.endOffset == bytes.count)
        }

        @Test func acceptsCrcFormatAndLowercaseHex() throws {
            var newc = NewcBytes()
            newc.entry("a", data: [1, 2], magic: "070702")
            newc.trailer()
            var bytes = newc.bytes
            // Lowercase the mode field's hex digits (0x81A4 → "000081a4").
            for index in 14..<22 where bytes[index] >= UInt8(ascii: "A") { bytes[index] += 32 }
            #expect(try CpioArchive.entries(in: bytes).map(\.mode) == [0o100644])
        }

        @Test func hostileHeadersThrowClearErrors() {
            let good = NewcBytes.archive([("file", "data")])
            #expect(throws: InitrdError.truncatedHeader(offset: 0)) { try CpioArchive.read(Array(good[0..<50])) }
            #expect(throws: InitrdError.missingTrailer(offset: 0)) { try CpioArchive.read([]) }

            var huge = NewcBytes()
            huge.entry("x", nameSize: 0xFFFF_FFFF)
            #expect(throws: InitrdError.nameTooLong(offset: 0, size: 0xFFFF_FFFF)) { try CpioArchive.read(huge.bytes) }
            var zero = NewcBytes()
            zero.entry("x", nameSize: 0)
            #expect(throws: InitrdError.nameTooLong(offset: 0, size: 0)) { try CpioArchive.read(zero.bytes) }

            var longName = NewcBytes()
            longName.entry("x", nameSize: 4000)
            #expect(throws: InitrdError.truncatedName(offset: 0)) { try CpioArchive.read(longName.bytes) }

            var bigFile = NewcBytes()
            bigFile.entry("x", data: [1], fileSize: 0xFFFF_FFFF)
            #expect(throws: InitrdError.truncatedData(offset: 0, size: 0xFFFF_FFFF)) { try CpioArchive.read(bigFile.bytes) }

            var nonHex = good
            nonHex[6 + 8] = UInt8(ascii: "g") // first digit of mode
            #expect(throws: InitrdError.badHexField(offset: 0, field: "mode")) { try CpioArchive.read(nonHex) }
            var signed = good
            signed[6 + 6 * 8] = UInt8(ascii: "-") // filesize
            #expect(throws: InitrdError.badHexField(offset: 0, field: "filesize")) { try CpioArchive.read(signed) }
            var spaced = good
            spaced[6 + 11 * 8] = UInt8(ascii: " ") // namesize
            #expect(throws: InitrdError.badHexField(offset: 0, field: "namesize")) { try CpioArchive.read(spaced) }

            var odc = good
            odc.replaceSubrange(0..<6, with: Array("070707".utf8))
            #expect(throws: InitrdError.badMagic(offset: 0, found: Array("070707".utf8))) { try CpioArchive.read(odc) }

            let noTrailer = Array(good.dropLast(good.count - 120)) // header + name + data of "file", no trailer
            #expect(throws: InitrdError.missingTrailer(offset: 120)) { try CpioArchive.read(noTrailer) }
            #expect(throws: InitrdError.self) { try CpioArchive.read(good + [1, 2, 3], at: good.count) }
        }

        @Test func offsetsOutsideTheBufferAreSafe() {
            let good = NewcBytes.archive([("f", "d")])
            #expect(throws: InitrdError.self) { try CpioArchive.read(good, at: good.count + 100) }
            #expect((try? CpioArchive.read(good, at: -5))?.entries.count == 1)
        }

        @Test func nameWithoutNulAndInvalidUTF8() throws {
            var newc = NewcBytes()
            newc.entry("ab\u{FF}", nameSize: 3) // name bytes "ab" + first byte of ÿ; no NUL inside namesize
            newc.trailer()
            let names = try CpioArchive.entries(in: newc.bytes).map(\.name)
            #expect(names == ["ab\u{FFFD}"])
        }

        @Test func randomBytesNeverCrash() {
            var generator = SeededRandom(seed: 42)
            let good = NewcBytes.archive([("usr/lib/modules/a.ko", "x"), ("b", "yy")])
            for _ in 0..<2_000 {
                var bytes = good
                for _ in 0..<Int(generator.next() % 6) + 1 {
                    let index = Int(generator.next() % UInt64(bytes.count))
                    bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                }
                if generator.next() % 3 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)))) }
                _ = try? CpioArchive.read(bytes)
            }
            for length in 0..<300 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                _ = try? CpioArchive.read(Array("070701".utf8) + bytes)
            }
        }
    }
}
