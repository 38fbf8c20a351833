/// Why an image file must be refused before qemu sees it: a container that makes qemu open
/// *other* host files (a qcow2 backing file or external data file, a differencing VHD's parent,
/// a VMDK descriptor's extents), or a container kdumpbake does not support at all (VHDX, VDI,
/// QED, Parallels, DMG, LUKS…), which it would otherwise treat as raw.
///
/// Decided from bytes kdumpbake reads itself, never by asking `qemu-img info` about untrusted
/// input: whatever a referenced file holds would become guest data, and could end up in reports.
/// Every offset and length in these structures comes from the file, so every read is bounded
/// (`ContainerBytes.maximumRead`), names are cut at `maximumNameLength` bytes, and names are
/// rendered on one line with control characters escaped (`displayName`).
///
/// Pure: reads go through `ContainerBytes`, so the parser can be fed in-memory bytes (tests,
/// fuzzing) and needs nothing but `VHDFooter.swift` and `VHDDynamicLayout.swift` beside it.
package enum ContainerReferences {
    /// A name read from a file longer than this is not read at all (qemu itself refuses backing
    /// file names over 1,023 bytes).
    static let maximumNameLength = 4096
    /// How many referenced files a message lists before "and N more".
    static let maximumListedNames = 8

    static let qcow2Magic: [UInt8] = [0x51, 0x46, 0x49, 0xFB]  // "QFI\xfb"
    static let selfContained = "kdumpbake opens only self-contained images"

    /// The refusal for the image whose bytes `file` reads, or nil when kdumpbake may open it as
    /// the raw, qcow2 or VHD image `DiskImageFormat.detect` finds: the same magics decide.
    package static func refusal(in file: ContainerBytes) throws -> String? {
        let head = try file.read(at: 0, count: 512)
        let tail = file.size >= UInt64(VHDFooter.size) ? try file.read(at: file.size - UInt64(VHDFooter.size), count: VHDFooter.size) : []
        if head.starts(with: qcow2Magic) { return try qcow2Refusal(file) }
        if head.starts(with: VHDFooter.cookie) || tail.starts(with: VHDFooter.cookie) {
            // The footer at the end, or a dynamic disk's copy of it when the end is damaged.
            guard let footer = (try? VHDFooter(tail)) ?? (try? VHDFooter(head)) else { return nil }
            return try vhdRefusal(footer: footer, file: file)
        }
        return try otherContainerRefusal(head: head, tail: tail, file: file)
    }

    // MARK: qcow2

    /// The refusal for a file that starts with the qcow2 magic, or nil when kdumpbake can hand it
    /// to qemu as a self-contained qcow2 image.
    ///
    /// Header fields (big-endian): version at 4, backing file offset (u64) at 8 and size (u32)
    /// at 16, cluster bits at 20, encryption method at 32; version 3 adds incompatible feature
    /// bits (u64) at 72 and the header length (u32) at 100. Header extensions follow the header:
    /// {type u32, length u32, data padded to 8 bytes}, ended by type 0.
    static func qcow2Refusal(_ file: ContainerBytes) throws -> String? {
        let header = try file.read(at: 0, count: 104)
        guard header.count >= 72 else { return "its qcow2 header is cut short (\(header.count) of 72 bytes)" }
        let version = header.bigEndian32(at: 4)
        guard version == 2 || version == 3 else {
            return "unsupported qcow2 version \(version) (kdumpbake reads versions 2 and 3)"
        }
        let backingOffset = header.bigEndian64(at: 8)
        let backingSize = header.bigEndian32(at: 16)
        let clusterBits = header.bigEndian32(at: 20)
        let encryption = header.bigEndian32(at: 32)
        var incompatible: UInt64 = 0
        var headerLength: UInt32 = 72
        if version == 3 {
            guard header.count >= 104 else { return "its qcow2 version 3 header is cut short (\(header.count) of 104 bytes)" }
            incompatible = header.bigEndian64(at: 72)
            headerLength = header.bigEndian32(at: 100)
        }
        // Header extensions follow the header; a version 3 header is at least 104 bytes.
        let extensionsStart: UInt64? = version == 2 || headerLength >= 104 ? UInt64(headerLength) : nil

        // Other files first: whatever else is wrong, the message names what the image pulls in.
        var references: [String] = []
        if backingOffset != 0 || backingSize != 0 {
            references.append("a backing file (\(try name(in: file, offset: backingOffset, length: UInt64(backingSize))))")
        }
        let dataFile = try extensionsStart.flatMap { try qcow2DataFileName(file, extensionsStart: $0, clusterBits: clusterBits) }
        if incompatible & 0b100 != 0 || dataFile != nil {
            references.append("an external data file (\(dataFile ?? "name not recorded"))")
        }
        if !references.isEmpty {
            return "its qcow2 header names \(references.joined(separator: " and ")); \(selfContained) — flatten it with qemu-img convert"
        }
        guard extensionsStart != nil else {
            return "its qcow2 header is damaged: header length \(headerLength) is less than the 104 bytes of a version 3 header"
        }
        if encryption != 0 {
            let method = switch encryption { case 1: "AES"; case 2: "LUKS"; default: "method \(encryption)" }
            return "its qcow2 header says the image is encrypted (\(method)); kdumpbake cannot open encrypted images — decrypt it with qemu-img convert"
        }
        // Bits 0-4: dirty, corrupt, external data file, compression type, extended L2 entries.
        // A reader must not open an image with a bit it does not know: it may change what the
        // bytes mean, including which other files they pull in.
        let unknown = incompatible & ~UInt64(0b1_1111)
        if unknown != 0 {
            return "unsupported qcow2 feature: incompatible feature bits 0x\(String(unknown, radix: 16)) are unknown to kdumpbake"
        }
        return nil
    }

    /// The external data file's name from the header extension 0x44415441 ("DATA"), looked for
    /// in the first cluster (at most 64 KiB of it); nil when there is no such extension.
    private static func qcow2DataFileName(_ file: ContainerBytes, extensionsStart: UInt64, clusterBits: UInt32) throws -> String? {
        let clusterSize = (9...21).contains(clusterBits) ? UInt64(1) << UInt64(clusterBits) : UInt64(ContainerBytes.maximumRead)
        let area = try file.read(at: 0, count: Int(min(clusterSize, UInt64(ContainerBytes.maximumRead))))
        var position = extensionsStart
        while position < UInt64(area.count), UInt64(area.count) - position >= 8 {
            let start = Int(position)
            let type = area.bigEndian32(at: start)
            let length = UInt64(area.bigEndian32(at: start + 4))
            if type == 0 { return nil }
            let dataStart = position + 8
            if type == 0x4441_5441 {
                guard length > 0, length <= UInt64(maximumNameLength), UInt64(area.count) - dataStart >= length else {
                    return unreadableName(length: length, offset: dataStart)
                }
                return displayName(utf8: Array(area[Int(dataStart)..<Int(dataStart + length)]))
            }
            position = dataStart + (length + 7) / 8 * 8  // at most 2^32 + 15 past a position below 64 KiB
        }
        return nil
    }

    // MARK: VHD

    /// The refusal for a VHD whose footer is `footer`: a differencing disk, whose data is partly
    /// in its parent image, named from the dynamic disk header when it can be read.
    static func vhdRefusal(footer: VHDFooter, file: ContainerBytes) throws -> String? {
        guard footer.diskType == .differencing else { return nil }
        if let parent = try vhdParentName(footer: footer, file: file) {
            return "it is a differencing VHD whose parent image is \(parent); \(selfContained) — merge it with its parent into a fixed VHD first"
        }
        return "it is a differencing VHD that needs a parent image; \(selfContained) — merge it with its parent into a fixed VHD first"
    }

    /// The parent's path from the dynamic disk header (cookie `cxsparse`, at the footer's data
    /// offset): the first readable of an absolute Windows locator (W2ku), a relative one (W2ru),
    /// a Mac OS X URL (MacX), the parent's Unicode name (UTF-16BE, 512 bytes at 64), then the
    /// deprecated Wi2k and Wi2r. A locator is {platform code u32, data space u32, data length u32,
    /// reserved u32, data offset u64}, eight of them from 576. Nil when none is readable.
    static func vhdParentName(footer: VHDFooter, file: ContainerBytes) throws -> String? {
        let header = try file.read(at: footer.dataOffset, count: VHDDynamicLayout.headerSize)
        guard header.count == VHDDynamicLayout.headerSize, header.starts(with: VHDDynamicLayout.cookie) else { return nil }
        var candidates: [(rank: Int, name: String)] = []
        let unicodeName = utf16Prefix(Array(header[64..<576]), bigEndian: true)
        if !unicodeName.isEmpty { candidates.append((3, displayName(unicodeName))) }
        for entry in 0..<8 {
            let base = 576 + entry * 24
            let code = header.bigEndian32(at: base)
            let length = UInt64(header.bigEndian32(at: base + 8))
            let offset = header.bigEndian64(at: base + 16)
            let rank: Int
            switch code {
            case 0x5732_6B75: rank = 0  // "W2ku"
            case 0x5732_7275: rank = 1  // "W2ru"
            case 0x4D61_6358: rank = 2  // "MacX"
            case 0x5769_326B: rank = 4  // "Wi2k"
            case 0x5769_3272: rank = 5  // "Wi2r"
            default: continue  // unused (0), a Mac OS alias blob ("Mac "), or unknown
            }
            guard length > 0, length <= UInt64(maximumNameLength),
                  let data = try file.readExactly(at: offset, count: Int(length)) else { continue }
            let name = rank <= 1 ? displayName(utf16Prefix(data, bigEndian: false))
                                 : displayName(utf8: Array(data.prefix { $0 != 0 }))
            if !name.isEmpty { candidates.append((rank, name)) }
        }
        return candidates.min { $0.rank < $1.rank }?.name
    }

    // MARK: Other containers

    /// The refusal for a file that is none of raw, qcow2 or VHD: VMDK (sparse, ESX sparse or a
    /// text descriptor, with the files it names), VHDX, VDI, QED (with its backing file),
    /// Parallels, Bochs, cloop, DMG, a LUKS volume. Nil for anything else, which is raw.
    /// `head`: the first 512 bytes; `tail`: the last 512 (fewer for a shorter file).
    static func otherContainerRefusal(head: [UInt8], tail: [UInt8], file: ContainerBytes) throws -> String? {
        func starts(_ text: String) -> Bool { head.starts(with: Array(text.utf8)) }
        if starts("KDMV") {
            // Sparse extent header (little-endian): embedded descriptor at 28 (u64 sectors), its
            // size at 36 (u64 sectors). A monolithic sparse file's extent is the file itself;
            // only its parent counts as another file.
            var parents: [String] = []
            if head.count >= 44 {
                let offset = head.littleEndian64(at: 28), sectors = head.littleEndian64(at: 36)
                let (start, overflow) = offset.multipliedReportingOverflow(by: 512)
                if sectors > 0, !overflow {
                    let count = Int(min(sectors, UInt64(ContainerBytes.maximumRead / 512)) * 512)
                    parents = VMDKDescriptor(try file.read(at: start, count: count)).parents.map { "parent \($0)" }
                }
            }
            return unsupported("VMDK sparse image (VMware)", references: parents)
        }
        if starts("COWD") { return unsupported("VMDK ESX sparse image (VMware)") }
        if VMDKDescriptor.isDescriptor(head) {
            let descriptor = VMDKDescriptor(try file.read(at: 0, count: ContainerBytes.maximumRead))
            return unsupported("VMDK descriptor (VMware)", references: descriptor.extents + descriptor.parents.map { "parent \($0)" })
        }
        if starts("vhdxfile") { return unsupported("VHDX image (Hyper-V)") }
        if starts("<<< "), head.count >= 0x44, head.littleEndian32(at: 0x40) == 0xBEDA_107F {
            return unsupported("VDI image (VirtualBox)")
        }
        if starts("QED\0") {
            // Little-endian: features at 16 (bit 0: has a backing file), backing file name
            // offset (u32) at 56 and size (u32) at 60.
            var references: [String] = []
            if head.count >= 64, head.littleEndian64(at: 16) & 1 != 0 {
                let name = try name(in: file, offset: UInt64(head.littleEndian32(at: 56)), length: UInt64(head.littleEndian32(at: 60)))
                references.append("backing file \(name)")
            }
            return unsupported("QED image", references: references)
        }
        if starts("WithoutFreeSpace") || starts("WithouFreSpacExt") { return unsupported("Parallels image") }
        if starts("Bochs Virtual HD Image") { return unsupported("Bochs image") }
        if starts("#!/bin/sh"), head.includes(Array("modprobe cloop".utf8)) {
            return unsupported("cloop compressed image")
        }
        if head.starts(with: [0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE]) {  // "LUKS\xba\xbe"
            return "its content is a LUKS-encrypted volume; kdumpbake cannot open encrypted images — decrypt it first"
        }
        if tail.count == 512, tail.starts(with: Array("koly".utf8)) { return unsupported("DMG image (Apple)") }
        return nil
    }

    private static func unsupported(_ kind: String, references: [String] = []) -> String {
        guard !references.isEmpty else {
            return "its content is a \(kind), a container kdumpbake does not support; convert it to raw, qcow2 or a fixed VHD with qemu-img convert"
        }
        return "its content is a \(kind) that names other files (\(list(references))); \(selfContained) — convert it to raw, qcow2 or a fixed VHD with qemu-img convert"
    }

    /// Names in order, duplicates dropped, at most `maximumListedNames` of them.
    static func list(_ names: [String]) -> String {
        var seen: Set<String> = []
        let unique = names.filter { seen.insert($0).inserted }
        let shown = unique.prefix(maximumListedNames).joined(separator: ", ")
        return unique.count > maximumListedNames ? "\(shown) and \(unique.count - maximumListedNames) more" : shown
    }

    // MARK: Names

    /// A name of `length` bytes at `offset` (UTF-8), or why it cannot be shown: past the end of
    /// the file, empty, or longer than `maximumNameLength` (then not read at all).
    private static func name(in file: ContainerBytes, offset: UInt64, length: UInt64) throws -> String {
        guard offset != 0, length > 0, length <= UInt64(maximumNameLength),
              let bytes = try file.readExactly(at: offset, count: Int(length)) else {
            return unreadableName(length: length, offset: offset)
        }
        return displayName(utf8: bytes)
    }

    private static func unreadableName(length: UInt64, offset: UInt64) -> String {
        "name unreadable: \(length) bytes at offset \(offset)"
    }

    /// UTF-16 code units up to the first NUL, decoded (a lone surrogate becomes U+FFFD).
    static func utf16Prefix(_ bytes: [UInt8], bigEndian: Bool) -> String.UnicodeScalarView {
        var units: [UInt16] = []
        var index = 0
        while index + 1 < bytes.count {
            let unit = bigEndian ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                                 : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index])
            if unit == 0 { break }
            units.append(unit)
            index += 2
        }
        return String(decoding: units, as: UTF16.self).unicodeScalars
    }

    /// Bytes read from a file as one printable line: UTF-8 where it is valid, each other byte as
    /// `\xNN`, and controls escaped as `displayName(_:)` does.
    static func displayName(utf8 bytes: [UInt8]) -> String {
        var out = ""
        var index = 0
        while index < bytes.count {
            // The shortest prefix (1 to 4 bytes) that is one well-formed scalar, if any.
            var scalar: Unicode.Scalar?
            var width = 1
            for length in 1...min(4, bytes.count - index) {
                if let text = String(validating: bytes[index..<index + length], as: UTF8.self) {
                    scalar = text.unicodeScalars.first
                    width = length
                    break
                }
            }
            if let scalar {
                out += displayName(CollectionOfOne(scalar))
            } else {
                out += hexEscape(UInt32(bytes[index]))
            }
            index += width
        }
        return out
    }

    /// Scalars as one printable line: C0 controls, DEL and C1 controls as `\xNN`; the line and
    /// paragraph separators and the bidirectional overrides (which can make a name display as
    /// another) as `\u{NNNN}`.
    static func displayName<Scalars: Sequence<Unicode.Scalar>>(_ scalars: Scalars) -> String {
        var out = ""
        for scalar in scalars {
            switch scalar.value {
            case 0..<0x20, 0x7F...0x9F: out += hexEscape(scalar.value)
            case 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: false)
        return "\\x" + (hex.count < 2 ? "0" + hex : hex)
    }
}

/// The bytes of an image file as the container parsers see them: its size and bounded reads.
package struct ContainerBytes {
    /// No read asks for more than this, whatever a length in the file says.
    package static let maximumRead = 64 << 10

    let size: UInt64
    /// Reads up to `count` bytes at `offset` (fewer at the end of the file).
    let reader: (_ offset: UInt64, _ count: Int) throws -> [UInt8]

    package init(size: UInt64, reader: @escaping (_ offset: UInt64, _ count: Int) throws -> [UInt8]) {
        self.size = size
        self.reader = reader
    }

    /// In-memory bytes (tests, fuzzing).
    package init(_ bytes: [UInt8]) {
        self.init(size: UInt64(bytes.count)) { offset, count in
            guard offset < UInt64(bytes.count) else { return [] }
            return Array(bytes[Int(offset)..<Int(offset) + min(count, bytes.count - Int(offset))])
        }
    }

    /// Up to `count` bytes at `offset`, never more than `maximumRead` and never past the end of
    /// the file; empty when `offset` is at or past the end.
    package func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let wanted = Int(min(UInt64(min(count, Self.maximumRead)), size - offset))
        return Array(try reader(offset, wanted).prefix(wanted))
    }

    /// Exactly `count` bytes at `offset`, or nil when they are not all in the file.
    func readExactly(at offset: UInt64, count: Int) throws -> [UInt8]? {
        guard count >= 0, count <= Self.maximumRead, offset <= size, size - offset >= UInt64(count) else { return nil }
        let bytes = try read(at: offset, count: count)
        return bytes.count == count ? bytes : nil
    }
}

/// A VMDK text descriptor (`# Disk DescriptorFile`): the files its extent lines name
/// (`RW 2048 FLAT "disk-flat.vmdk" 0`) and its `parentFileNameHint`.
struct VMDKDescriptor {
    var extents: [String] = []
    var parents: [String] = []

    static let signature = Array("# Disk DescriptorFile".utf8)

    /// Whether `head` starts (after blanks) with the descriptor's first line.
    static func isDescriptor(_ head: [UInt8]) -> Bool {
        head.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }.starts(with: signature)
    }

    init(_ bytes: [UInt8]) {
        // Text only up to the first NUL: an embedded descriptor is padded with zeros.
        let text = bytes.prefix { $0 != 0 }
        for rawLine in text.split(separator: 0x0A) {
            let line = Array(rawLine.drop { $0 == 0x20 || $0 == 0x09 })
            if let access = ["RW", "RDONLY", "NOACCESS"].first(where: { line.starts(with: Array($0.utf8)) }),
               line.count > access.utf8.count, line[access.utf8.count] == 0x20 || line[access.utf8.count] == 0x09 {
                if let name = Self.quoted(line) { extents.append(ContainerReferences.displayName(utf8: name)) }
            } else if line.starts(with: Array("parentFileNameHint".utf8)), let equals = line.firstIndex(of: 0x3D) {
                let value = line[(equals + 1)...].drop { $0 == 0x20 || $0 == 0x09 }
                let name = Self.quoted(Array(value)) ?? Array(value.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }.reversed())
                if !name.isEmpty { parents.append(ContainerReferences.displayName(utf8: Array(name.prefix(ContainerReferences.maximumNameLength)))) }
            }
        }
    }

    /// The bytes between the first two double quotes of a line, if there are two.
    private static func quoted(_ line: [UInt8]) -> [UInt8]? {
        guard let open = line.firstIndex(of: 0x22), let close = line[(open + 1)...].firstIndex(of: 0x22) else { return nil }
        let name = Array(line[(open + 1)..<close])
        return name.isEmpty ? nil : Array(name.prefix(ContainerReferences.maximumNameLength))
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs anywhere in the bytes.
    fileprivate func includes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...count - needle.count).contains { self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
