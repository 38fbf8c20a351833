import Foundation
import KdumpBakeCore
import TestSupport
import Testing

/// Builds VHD footers field by field, so each test states exactly what it changes.
struct FooterBuilder {
    var cookie = Array("conectix".utf8)
    var dataOffset: UInt64 = .max
    var creator = "qem2"
    var currentSize: UInt64 = 64 << 20
    var diskType: UInt32 = 2
    var checksumOverride: UInt32?

    func bytes() -> [UInt8] {
        var footer = [UInt8](repeating: 0, count: 512)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.bigEndian) { footer.replaceSubrange(offset..<offset + $0.count, with: $0) }
        }
        footer.replaceSubrange(0..<8, with: cookie)
        put(UInt32(2), at: 8)
        put(UInt32(0x0001_0000), at: 12)
        put(dataOffset, at: 16)
        footer.replaceSubrange(28..<32, with: Array(creator.utf8))
        put(currentSize, at: 40)
        put(currentSize, at: 48)
        put(UInt16(1024), at: 56); footer[58] = 16; footer[59] = 63
        put(diskType, at: 60)
        put(checksumOverride ?? VHDFooter.checksum(of: footer), at: 64)
        return footer
    }
}

@Suite struct VHDFooterTests {
    @Test func validFixedFooter() throws {
        let footer = try VHDFooter(FooterBuilder().bytes())
        #expect(footer.diskType == .fixed)
        #expect(footer.checksumIsValid)
        #expect(footer.currentSize == 64 << 20)
        #expect(footer.creatorApplication == "qem2")
        #expect(footer.dataOffset == .max)
        #expect(footer.heads == 16 && footer.sectorsPerTrack == 63 && footer.cylinders == 1024)
    }

    @Test func dynamicFooter() throws {
        let footer = try VHDFooter(FooterBuilder(dataOffset: 512, diskType: 3).bytes())
        #expect(footer.diskType == .dynamic)
        #expect(footer.dataOffset == 512)
        #expect(footer.checksumIsValid)
    }

    @Test func misalignedSizeIsReportedAsFound() throws {
        let footer = try VHDFooter(FooterBuilder(currentSize: (64 << 20) + 512).bytes())
        #expect(footer.currentSize % (1 << 20) == 512)
    }

    @Test func badChecksumIsDetected() throws {
        let footer = try VHDFooter(FooterBuilder(checksumOverride: 0xDEAD_BEEF).bytes())
        #expect(!footer.checksumIsValid)
        #expect(footer.storedChecksum == 0xDEAD_BEEF)
    }

    @Test func anyFlippedByteBreaksTheChecksum() throws {
        var bytes = FooterBuilder().bytes()
        bytes[100] ^= 0x01
        #expect(try !VHDFooter(bytes).checksumIsValid)
    }

    @Test func truncatedFooterIsRejected() {
        #expect(throws: VHDFooterError.wrongLength(100)) { try VHDFooter(Array(FooterBuilder().bytes().prefix(100))) }
    }

    @Test func notAVHD() {
        #expect(throws: VHDFooterError.noCookie) { try VHDFooter([UInt8](repeating: 0x41, count: 512)) }
    }

    @Test func unknownDiskTypeIsKept() throws {
        #expect(try VHDFooter(FooterBuilder(diskType: 9).bytes()).diskType == .other(9))
    }
}

/// Format detection on files written by qemu-img (host tool, no appliance).
@Suite struct DiskImageFormatTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kdumpbake-format-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @Test func detectsFromContentNotExtension() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "raw", path("raw.vhd"), "4M"])
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", path("disk.vhd"), "4M"])
        try ContainerFixtures.qemuImg(["convert", "-q", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed,force_size", path("raw.vhd"), path("fixed.img")])
        try ContainerFixtures.qemuImg(["convert", "-q", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", path("raw.vhd"), path("dynamic.raw")])
        #expect(try DiskImageFormat.detect(path: path("raw.vhd")) == .raw)
        #expect(try DiskImageFormat.detect(path: path("disk.vhd")) == .qcow2)
        #expect(try DiskImageFormat.detect(path: path("fixed.img")) == .vhd)
        #expect(try DiskImageFormat.detect(path: path("dynamic.raw")) == .vhd)

        let fixed = try VHDFooter.read(path: path("fixed.img"))
        #expect(fixed.diskType == .fixed && fixed.checksumIsValid && fixed.currentSize == 4 << 20)
        #expect(try VHDFooter.read(path: path("dynamic.raw")).diskType == .dynamic)
    }

    @Test func unreadableInputsNameThePath() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = path("missing.vhd")
        let error = #expect(throws: DiskImageError.self) { try DiskImageFormat.detect(path: missing) }
        #expect(error?.description == "\(missing): No such file or directory")
        let dirError = #expect(throws: DiskImageError.self) { try DiskImageFormat.detect(path: directory.path) }
        #expect(dirError?.description.hasSuffix("is a directory, not a disk image") == true)
        FileManager.default.createFile(atPath: path("empty.vhd"), contents: Data())
        let empty = #expect(throws: DiskImageError.self) { try DiskImageFormat.detect(path: path("empty.vhd")) }
        #expect(empty?.description == "\(path("empty.vhd")): empty file, not a disk image")
        #expect(throws: VHDFooterError.wrongLength(0)) { try VHDFooter.read(path: path("empty.vhd")) }
    }
}
