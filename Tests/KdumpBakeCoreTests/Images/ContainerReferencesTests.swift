import Foundation
@testable import KdumpBakeCore
import TestSupport
import Testing


/// `DiskImageFormat.detect` refuses images that name other files and containers kdumpbake does
/// not support, with one exact line each, from the bytes alone (host only, no appliance).
@Suite struct ContainerReferencesTests {
    let directory: HostDirectory
    init() throws { directory = try HostDirectory() }

    private func path(_ name: String) -> String { directory.path + "/" + name }

    /// The message `detect` refuses `name` with (its description: path first), or nil.
    private func refusal(_ name: String) -> String? {
        do {
            _ = try DiskImageFormat.detect(path: path(name))
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
    }

    private static let selfContained = "kdumpbake opens only self-contained images"
    private static let flatten = "; kdumpbake opens only self-contained images — flatten it with qemu-img convert"
    private static let convert = "convert it to raw, qcow2 or a fixed VHD with qemu-img convert"

    // MARK: qcow2

    @Test func qcow2WithRawBackingFileNamesTheHostFile() throws {
        let host = path("host.raw")
        try Data("HOST-FILE-CONTENT".utf8).write(to: URL(fileURLWithPath: host))
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-b", host, "-F", "raw", path("innocent.qcow2"), "1M"])
        #expect(refusal("innocent.qcow2") == "\(path("innocent.qcow2")): its qcow2 header names a backing file (\(host))\(Self.flatten)")
        // Version 2 (compat=0.10) keeps the same fields.
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-o", "compat=0.10", "-b", host, "-F", "raw", path("v2.qcow2"), "1M"])
        #expect(refusal("v2.qcow2") == "\(path("v2.qcow2")): its qcow2 header names a backing file (\(host))\(Self.flatten)")
    }

    @Test func qcow2WithQcow2BackingFileNamesItAsWritten() throws {
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", path("base.qcow2"), "1M"])
        // A relative name, as stored: qemu would resolve it against the image's folder.
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-u", "-b", "base.qcow2", "-F", "qcow2", path("top.qcow2"), "1M"])
        #expect(refusal("top.qcow2") == "\(path("top.qcow2")): its qcow2 header names a backing file (base.qcow2)\(Self.flatten)")
        #expect(try DiskImageFormat.detect(path: path("base.qcow2")) == .qcow2)
    }

    @Test func qcow2WithExternalDataFileNamesIt() throws {
        let data = path("data.raw")
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-o", "data_file=\(data)", path("external.qcow2"), "1M"])
        #expect(refusal("external.qcow2") == "\(path("external.qcow2")): its qcow2 header names an external data file (\(data))\(Self.flatten)")
        // Both at once: a backing file and an external data file.
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-u", "-b", "/srv/base.img", "-F", "raw",
                                       "-o", "data_file=\(data),data_file_raw=off", path("both.qcow2"), "1M"])
        #expect(refusal("both.qcow2") == "\(path("both.qcow2")): its qcow2 header names a backing file (/srv/base.img) and an external data file (\(data))\(Self.flatten)")
    }

    @Test func selfContainedQcow2AndRawStillOpen() throws {
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", path("v3.qcow2"), "1M"])
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-o", "compat=0.10", path("v2.qcow2"), "1M"])
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on,extended_l2=on,compression_type=zstd", path("features.qcow2"), "1M"])
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "raw", path("disk.raw"), "1M"])
        #expect(try DiskImageFormat.detect(path: path("v3.qcow2")) == .qcow2)
        #expect(try DiskImageFormat.detect(path: path("v2.qcow2")) == .qcow2)
        #expect(try DiskImageFormat.detect(path: path("features.qcow2")) == .qcow2)
        #expect(try DiskImageFormat.detect(path: path("disk.raw")) == .raw)
        // A raw disk whose text mentions the magics elsewhere stays raw.
        try write("text.raw", Array("MBR... vhdxfile KDMV # Disk DescriptorFile LUKS".utf8) + [UInt8](repeating: 0, count: 2048))
        #expect(try DiskImageFormat.detect(path: path("text.raw")) == .raw)
    }

    @Test func encryptedImagesAreRefused() throws {
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qcow2", "--object", "secret,id=sec0,data=password",
                                       "-o", "encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10", path("encrypted.qcow2"), "1M"])
        #expect(refusal("encrypted.qcow2") == "\(path("encrypted.qcow2")): its qcow2 header says the image is encrypted (LUKS); kdumpbake cannot open encrypted images — decrypt it with qemu-img convert")
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "luks", "--object", "secret,id=sec0,data=password",
                                       "-o", "key-secret=sec0,iter-time=10", path("volume.luks"), "1M"])
        #expect(refusal("volume.luks") == "\(path("volume.luks")): its content is a LUKS-encrypted volume; kdumpbake cannot open encrypted images — decrypt it first")
    }

    // MARK: VMDK and other containers

    @Test func vmdkDescriptorNamesItsExtents() throws {
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "vmdk", "-o", "subformat=monolithicFlat", path("flat.vmdk"), "1M"])
        #expect(refusal("flat.vmdk") == "\(path("flat.vmdk")): its content is a VMDK descriptor (VMware) that names other files (flat-flat.vmdk); \(Self.selfContained) — \(Self.convert)")
        // The flat extent itself is raw data: nothing in it names anything.
        #expect(try DiskImageFormat.detect(path: path("flat-flat.vmdk")) == .raw)

        // Written by hand: several extents (a ZERO extent names no file), a parent, a hostile name.
        let descriptor = """
            # Disk DescriptorFile
            version=1
            parentFileNameHint="/vm/base.vmdk"
            # Extent description
            RW 2048 FLAT "/etc/shadow" 0
            RDONLY 2048 SPARSE "two\u{1B}]0;x\u{07}.vmdk"
            NOACCESS 2048 ZERO
            RW 2048 FLAT "/etc/shadow" 2048\r
            """
        try write("hand.vmdk", Array(descriptor.utf8))
        #expect(refusal("hand.vmdk") == "\(path("hand.vmdk")): its content is a VMDK descriptor (VMware) that names other files (/etc/shadow, two\\x1b]0;x\\x07.vmdk, parent /vm/base.vmdk); \(Self.selfContained) — \(Self.convert)")
    }

    @Test func sparseVMDKNamesOnlyItsParent() throws {
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "vmdk", path("sparse.vmdk"), "1M"])
        #expect(refusal("sparse.vmdk") == "\(path("sparse.vmdk")): its content is a VMDK sparse image (VMware), a container kdumpbake does not support; \(Self.convert)")
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "vmdk", "-u", "-b", "sparse.vmdk", "-F", "vmdk", path("child.vmdk"), "1M"])
        #expect(refusal("child.vmdk") == "\(path("child.vmdk")): its content is a VMDK sparse image (VMware) that names other files (parent sparse.vmdk); \(Self.selfContained) — \(Self.convert)")
    }

    @Test func unsupportedContainersFromQemuImgAreRefused() throws {
        let kinds: [(format: String, name: String, kind: String)] = [
            ("vhdx", "disk.vhdx", "VHDX image (Hyper-V)"),
            ("vdi", "disk.vdi", "VDI image (VirtualBox)"),
            ("qed", "disk.qed", "QED image"),
            ("parallels", "disk.hds", "Parallels image"),
        ]
        for (format, name, kind) in kinds {
            try ContainerFixtures.qemuImg(["create", "-q", "-f", format, path(name), "4M"])
            #expect(refusal(name) == "\(path(name)): its content is a \(kind), a container kdumpbake does not support; \(Self.convert)")
        }
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "qed", "-u", "-b", "/srv/host.raw", "-F", "raw", path("backed.qed"), "4M"])
        #expect(refusal("backed.qed") == "\(path("backed.qed")): its content is a QED image that names other files (backing file /srv/host.raw); \(Self.selfContained) — \(Self.convert)")
    }

    @Test func unsupportedContainersFromTheirMagics() throws {
        var dmg = [UInt8](repeating: 0, count: 4096)
        dmg.replaceSubrange(4096 - 512..<4096 - 508, with: Array("koly".utf8))
        try write("disk.dmg", dmg)
        try write("disk.bochs", Array("Bochs Virtual HD Image\0Redolog\0".utf8) + [UInt8](repeating: 0, count: 1000))
        try write("disk.cloop", Array("#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n".utf8) + [0, 0, 1])
        try write("disk.cowd", Array("COWD".utf8) + [UInt8](repeating: 0, count: 2044))
        #expect(refusal("disk.dmg") == "\(path("disk.dmg")): its content is a DMG image (Apple), a container kdumpbake does not support; \(Self.convert)")
        #expect(refusal("disk.bochs") == "\(path("disk.bochs")): its content is a Bochs image, a container kdumpbake does not support; \(Self.convert)")
        #expect(refusal("disk.cloop") == "\(path("disk.cloop")): its content is a cloop compressed image, a container kdumpbake does not support; \(Self.convert)")
        #expect(refusal("disk.cowd") == "\(path("disk.cowd")): its content is a VMDK ESX sparse image (VMware), a container kdumpbake does not support; \(Self.convert)")
        // "<<< " without VDI's signature at 0x40 is just text.
        try write("notvdi.raw", Array("<<< not a VirtualBox image >>>".utf8) + [UInt8](repeating: 0, count: 512))
        #expect(try DiskImageFormat.detect(path: path("notvdi.raw")) == .raw)
    }

    // MARK: Differencing VHD

    @Test func differencingVHDNamesItsParent() throws {
        let tail = "; \(Self.selfContained) — merge it with its parent into a fixed VHD first"
        try ContainerFixtures.differencingVHD(path("w2ku.vhd"), locator: ("W2ku", "C:\\images\\parent.vhd"), unicodeName: "parent.vhd")
        #expect(refusal("w2ku.vhd") == "\(path("w2ku.vhd")): it is a differencing VHD whose parent image is C:\\images\\parent.vhd\(tail)")
        try ContainerFixtures.differencingVHD(path("w2ru.vhd"), locator: ("W2ru", ".\\parent.vhd"), unicodeName: "parent.vhd")
        #expect(refusal("w2ru.vhd") == "\(path("w2ru.vhd")): it is a differencing VHD whose parent image is .\\parent.vhd\(tail)")
        try ContainerFixtures.differencingVHD(path("macx.vhd"), locator: ("MacX", "file:///srv/parent.vhd"), unicodeName: nil)
        #expect(refusal("macx.vhd") == "\(path("macx.vhd")): it is a differencing VHD whose parent image is file:///srv/parent.vhd\(tail)")
        // No locator: the Unicode name; a locator pointing past the end of the file: the same.
        try ContainerFixtures.differencingVHD(path("name.vhd"), locator: nil, unicodeName: "base\nimage.vhd")
        #expect(refusal("name.vhd") == "\(path("name.vhd")): it is a differencing VHD whose parent image is base\\x0aimage.vhd\(tail)")
        try ContainerFixtures.differencingVHD(path("far.vhd"), locator: ("W2ku", "/x"), unicodeName: "base.vhd", locatorOffset: 1 << 40)
        #expect(refusal("far.vhd") == "\(path("far.vhd")): it is a differencing VHD whose parent image is base.vhd\(tail)")
        // Nothing readable: the parent is not named, the image is still refused.
        try ContainerFixtures.differencingVHD(path("anonymous.vhd"), locator: ("W2ku", "/x"), unicodeName: nil, locatorOffset: .max)
        #expect(refusal("anonymous.vhd") == "\(path("anonymous.vhd")): it is a differencing VHD that needs a parent image\(tail)")

        // vhd.format, asked directly, says the same (detect refuses the image before it runs).
        let finding = VHDFormatCheck.run(path: path("w2ku.vhd"), format: .vhd)
        #expect(finding.status == .fail)
        #expect(finding.message.contains("it is a differencing VHD whose parent image is C:\\images\\parent.vhd"))
        // The same dynamic VHD before the change is fine.
        try ContainerFixtures.qemuImg(["create", "-q", "-f", "vpc", "-o", "subformat=dynamic", path("dynamic.vhd"), "4M"])
        #expect(try DiskImageFormat.detect(path: path("dynamic.vhd")) == .vhd)
    }

    // MARK: Hostile qcow2 headers

    /// A qcow2 version 3 header (104 bytes, 64 KiB clusters, no extensions) padded to `size`.
    private static func qcow2(size: Int = 4096, _ edit: (inout [UInt8]) -> Void = { _ in }) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.replaceSubrange(0..<4, with: ContainerReferences.qcow2Magic)
        put(UInt32(3), &bytes, 4)
        put(UInt32(16), &bytes, 20)  // 64 KiB clusters
        put(UInt64(1 << 20), &bytes, 24)
        put(UInt32(104), &bytes, 100)
        edit(&bytes)
        return bytes
    }

    private static func qcow2Refusal(_ bytes: [UInt8]) throws -> String? {
        try ContainerReferences.qcow2Refusal(ContainerBytes(bytes))
    }

    @Test func hostileQcow2HeadersAreRefusedInWords() throws {
        #expect(try Self.qcow2Refusal(Self.qcow2()) == nil)
        // Backing file name past the end of the file, enormous, or at offset 0.
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt64(999_999), &$0, 8); put(UInt32(17), &$0, 16) })
                == "its qcow2 header names a backing file (name unreadable: 17 bytes at offset 999999)\(Self.flatten)")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt64(512), &$0, 8); put(UInt32.max, &$0, 16) })
                == "its qcow2 header names a backing file (name unreadable: 4294967295 bytes at offset 512)\(Self.flatten)")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt64.max, &$0, 8); put(UInt32(1), &$0, 16) })
                == "its qcow2 header names a backing file (name unreadable: 1 bytes at offset 18446744073709551615)\(Self.flatten)")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt32(5), &$0, 16) })
                == "its qcow2 header names a backing file (name unreadable: 5 bytes at offset 0)\(Self.flatten)")
        // A name running past the end of the file by one byte.
        #expect(try Self.qcow2Refusal(Self.qcow2(size: 520) { put(UInt64(512), &$0, 8); put(UInt32(9), &$0, 16) })
                == "its qcow2 header names a backing file (name unreadable: 9 bytes at offset 512)\(Self.flatten)")
        // Control characters, DEL, C1 and bytes that are not UTF-8 stay on one line.
        let hostile: [UInt8] = Array("/tmp/a\nb\u{1B}[31m".utf8) + [0x7F, 0xC2, 0x85, 0xFF, 0xE2, 0x82] + Array("é\u{2028}z".utf8)
        #expect(try Self.qcow2Refusal(Self.qcow2 {
            $0.replaceSubrange(512..<512 + hostile.count, with: hostile)
            put(UInt64(512), &$0, 8); put(UInt32(hostile.count), &$0, 16)
        }) == "its qcow2 header names a backing file (/tmp/a\\x0ab\\x1b[31m\\x7f\\x85\\xff\\xe2\\x82é\\u{2028}z)\(Self.flatten)")

        // The external-data-file bit without its extension; the extension with a hostile length.
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt64(4), &$0, 72) })
                == "its qcow2 header names an external data file (name not recorded)\(Self.flatten)")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt32(0x4441_5441), &$0, 104); put(UInt32.max, &$0, 108) })
                == "its qcow2 header names an external data file (name unreadable: 4294967295 bytes at offset 112)\(Self.flatten)")
        // Extensions are walked past others (padded to 8 bytes) and stop at the end of the area.
        #expect(try Self.qcow2Refusal(Self.qcow2 {
            put(UInt32(0xE279_2ACA), &$0, 104); put(UInt32(3), &$0, 108); $0.replaceSubrange(112..<115, with: Array("raw".utf8))
            put(UInt32(0x4441_5441), &$0, 120); put(UInt32(4), &$0, 124); $0.replaceSubrange(128..<132, with: Array("/dat".utf8))
        }) == "its qcow2 header names an external data file (/dat)\(Self.flatten)")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt32(0x1234_5678), &$0, 104); put(UInt32.max - 3, &$0, 108) }) == nil)
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt32.max, &$0, 100) }) == nil)  // extensions "past the end": none

        // Headers qemu would not open either.
        #expect(try Self.qcow2Refusal(Array(Self.qcow2().prefix(40))) == "its qcow2 header is cut short (40 of 72 bytes)")
        #expect(try Self.qcow2Refusal(Array(Self.qcow2().prefix(80))) == "its qcow2 version 3 header is cut short (80 of 104 bytes)")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt32(4), &$0, 4) }) == "unsupported qcow2 version 4 (kdumpbake reads versions 2 and 3)")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt32(50), &$0, 100) })
                == "its qcow2 header is damaged: header length 50 is less than the 104 bytes of a version 3 header")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt32(1), &$0, 32) })
                == "its qcow2 header says the image is encrypted (AES); kdumpbake cannot open encrypted images — decrypt it with qemu-img convert")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt64(1) << 63 | 1 << 5 | 0b11011, &$0, 72) })
                == "unsupported qcow2 feature: incompatible feature bits 0x8000000000000020 are unknown to kdumpbake")
        #expect(try Self.qcow2Refusal(Self.qcow2 { put(UInt64(0b11011), &$0, 72) }) == nil)  // dirty, corrupt, compression, extended L2
    }

    /// No read the parsers ask for is larger than 64 KiB or outside the file, whatever the header says.
    @Test func readsStayBoundedOnHostileHeaders() throws {
        let headers = [
            Self.qcow2 { put(UInt64(100), &$0, 8); put(UInt32.max, &$0, 16); put(UInt32(63), &$0, 20) },
            Array(Self.qcow2 { put(UInt32(2), &$0, 4); put(UInt64(60), &$0, 8); put(UInt32(4000), &$0, 16) }.prefix(80)),
            Self.qcow2 { put(UInt32(0x4441_5441), &$0, 104); put(UInt32(4090), &$0, 108) },
        ]
        for header in headers {
            var reads: [(UInt64, Int)] = []
            let bytes = ContainerBytes(size: UInt64(header.count)) { offset, count in
                reads.append((offset, count))
                return try ContainerBytes(header).reader(offset, count)
            }
            #expect(try ContainerReferences.qcow2Refusal(bytes) != nil)
            #expect(reads.allSatisfy { $0.1 <= ContainerBytes.maximumRead && $0.0 + UInt64($0.1) <= UInt64(header.count) }, "\(reads)")
        }
    }

    @Test func namesAreRenderedOnOneLine() {
        #expect(ContainerReferences.displayName(utf8: Array("plain/path with spaces".utf8)) == "plain/path with spaces")
        #expect(ContainerReferences.displayName(utf8: [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0xC2, 0x80, 0xC2, 0x9F, 0xC2, 0xA0])
                == "\\x00\\x09\\x0a\\x0d\\x1f\\x7f\\x80\\x9f\u{A0}")
        #expect(ContainerReferences.displayName(utf8: [0xC0, 0x80, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98, 0x80])
                == "\\xc0\\x80\\xed\\xa0\\x80😀")
        #expect(ContainerReferences.displayName("a\u{202E}b\u{2029}".unicodeScalars) == "a\\u{202E}b\\u{2029}")
        #expect(ContainerReferences.list((1...10).map { "f\($0)" } + ["f1"]) == "f1, f2, f3, f4, f5, f6, f7, f8 and 2 more")
    }
}

