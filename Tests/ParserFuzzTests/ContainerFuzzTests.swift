@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the container parsers that decide, before qemu sees an image, whether it names other
/// host files (`ContainerReferences`): qcow2 headers and their extensions, a differencing VHD's
/// parent locators, VMDK descriptors, QED headers, and the magics of unsupported containers.
///
/// Every offset and length in these structures comes from the file, so the properties demand:
/// no trap, every read inside the file and at most 64 KiB whatever a header claims (also when
/// the file is shorter than its size says), and a refusal that is one printable line.
@Suite("Containers")
struct ContainerFuzzTests {
    static let tokens = ["QFI\u{FB}", "DATA", "conectix", "cxsparse", "W2ku", "W2ru", "MacX", "KDMV", "# Disk DescriptorFile\n",
                         "RW 2048 FLAT \"", "parentFileNameHint=\"", "QED\0", "koly", "vhdxfile", "<<< ", "\"", "\n"]
    static let binaryTokens: [[UInt8]] = [
        [0x51, 0x46, 0x49, 0xFB], [0xE2, 0x79, 0x2A, 0xCA], [0x44, 0x41, 0x54, 0x41], [0x7F, 0x10, 0xDA, 0xBE],
        [0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE], [0, 0, 0, 0, 0, 0, 0, 0],
    ]

    static let qcow2Corpus = Corpus(seeds: [
        Seed("qcow2 v3, backing file", bytes: Qcow2Header.bytes(version: 3, backing: "/var/lib/images/base.img")),
        Seed("qcow2 v2, backing file", bytes: Qcow2Header.bytes(version: 2, backing: "base.qcow2")),
        Seed("qcow2 v3, external data file", bytes: Qcow2Header.bytes(version: 3, dataFile: "/srv/data.raw")),
        Seed("qcow2 v3, self-contained", bytes: Qcow2Header.bytes(version: 3)),
    ], tokens: tokens, binaryTokens: binaryTokens)

    static let fileCorpus = Corpus(seeds: qcow2Corpus.seeds + [
        Seed("differencing VHD", bytes: DifferencingVHD.bytes(parent: "C:\\vm\\parent.vhd")),
        Seed("dynamic VHD", bytes: DynamicVHD.seed()),
        Seed("VMDK descriptor", "# Disk DescriptorFile\nversion=1\nparentFileNameHint=\"base.vmdk\"\nRW 2048 FLAT \"disk-flat.vmdk\" 0\nRW 8 ZERO\n"),
        Seed("VMDK sparse", bytes: SparseVMDK.bytes(parent: "base.vmdk")),
        Seed("QED, backing file", bytes: QEDHeader.bytes(backing: "/srv/base.raw")),
        Seed("VDI", bytes: VDIHeader.bytes()),
    ], tokens: tokens, binaryTokens: binaryTokens)

    /// Runs `parse` on `bytes` as a file of `size` bytes (reads past the real bytes come back
    /// short), recording every read the parser asks of the file.
    static func parse(_ bytes: [UInt8], size: UInt64, _ parse: (ContainerBytes) throws -> String?) rethrows -> (String?, [(UInt64, Int)]) {
        var reads: [(UInt64, Int)] = []
        let file = ContainerBytes(size: size) { offset, count in
            reads.append((offset, count))
            guard offset < UInt64(bytes.count), count > 0 else { return [] }
            return Array(bytes[Int(offset)..<Int(offset) + min(count, bytes.count - Int(offset))])
        }
        return (try parse(file), reads)
    }

    static func isOneLine(_ text: String) -> Bool {
        !text.isEmpty && !text.unicodeScalars.contains {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029
        }
    }

    /// Mutated qcow2 headers: an answer, never a trap; reads inside the file and bounded; the
    /// unmutated seeds refused (or not) exactly as they should be.
    @Test func qcow2HeaderMutationsAreAnsweredSafely() async {
        await propertyCheck(count: FuzzBudget.cases(1500), input: Self.qcow2Corpus.cases(), Gen<UInt64>.value()) { fuzz, claimed in
            let bytes = fuzz.bytes
            for size in [UInt64(bytes.count), claimed % (UInt64(bytes.count) * 4 + 1)] {
                let (refusal, reads) = try Self.parse(bytes, size: size, ContainerReferences.qcow2Refusal)
                #expect(reads.allSatisfy { $0.1 > 0 && $0.1 <= ContainerBytes.maximumRead && $0.0 < size && size - $0.0 >= UInt64($0.1) }, "\(reads)")
                if let refusal { #expect(Self.isOneLine(refusal), "\(refusal)") }
                if fuzz.mutations.isEmpty, size == UInt64(bytes.count), !fuzz.seed.hasPrefix("noise") {
                    switch fuzz.seed {
                    case "qcow2 v3, backing file": #expect(refusal?.contains("names a backing file (/var/lib/images/base.img)") == true)
                    case "qcow2 v2, backing file": #expect(refusal?.contains("names a backing file (base.qcow2)") == true)
                    case "qcow2 v3, external data file": #expect(refusal?.contains("names an external data file (/srv/data.raw)") == true)
                    default: #expect(refusal == nil)
                    }
                }
            }
        }
    }

    /// Header fields set to edge values: backing offsets and sizes, header lengths, extension
    /// lengths. Whatever they say, any backing field or the data-file bit means a refusal.
    @Test func qcow2EdgeValues() async {
        let edge = Gen<Int>.value(in: 0...Mutation.interestingIntegers.count - 1).map { Mutation.interestingIntegers[$0] }
        await propertyCheck(count: FuzzBudget.cases(600), input: edge, edge, edge, edge, Gen<UInt8>.value(in: 0...15)) {
            backingOffset, backingSize, headerLength, extensionLength, which in
            var bytes = Qcow2Header.bytes(version: 3, dataFile: "/d")
            if which & 1 != 0 { BigEndian.put(backingOffset, into: &bytes, at: 8) }
            if which & 2 != 0 { BigEndian.put(UInt32(truncatingIfNeeded: backingSize), into: &bytes, at: 16) }
            if which & 4 != 0 { BigEndian.put(UInt32(truncatingIfNeeded: headerLength), into: &bytes, at: 100) }
            if which & 8 != 0 { BigEndian.put(UInt32(truncatingIfNeeded: extensionLength), into: &bytes, at: 108) }
            let (refusal, reads) = try Self.parse(bytes, size: UInt64(bytes.count), ContainerReferences.qcow2Refusal)
            #expect(reads.allSatisfy { $0.1 <= ContainerBytes.maximumRead && UInt64(bytes.count) - $0.0 >= UInt64($0.1) })
            let refused = try #require(refusal)  // the data-file bit stays set
            #expect(Self.isOneLine(refused))
            let backing = (which & 1 != 0 && backingOffset != 0) || (which & 2 != 0 && UInt32(truncatingIfNeeded: backingSize) != 0)
            #expect(refused.contains("names a backing file") == backing, "\(refused)")
        }
    }

    /// Whole files of every kind, mutated: the decision `DiskImageFormat.detect` makes never
    /// traps, reads stay inside the file and bounded, a refusal is one printable line, and the
    /// unmutated seeds that name files are refused.
    @Test func anyContainerGetsAnAnswerOnOneLine() async {
        await propertyCheck(count: FuzzBudget.cases(1200), input: Self.fileCorpus.cases(), Gen<UInt64>.value()) { fuzz, claimed in
            let bytes = fuzz.bytes
            for size in [UInt64(bytes.count), claimed % (UInt64(bytes.count) * 4 + 1)] {
                let (refusal, reads) = try Self.parse(bytes, size: size, ContainerReferences.refusal(in:))
                #expect(reads.allSatisfy { $0.1 > 0 && $0.1 <= ContainerBytes.maximumRead && $0.0 < size && size - $0.0 >= UInt64($0.1) }, "\(reads)")
                if let refusal { #expect(Self.isOneLine(refusal), "\(refusal)") }
                if fuzz.mutations.isEmpty, size == UInt64(bytes.count) {
                    switch fuzz.seed {
                    case "differencing VHD": #expect(refusal?.contains("parent image is C:\\vm\\parent.vhd") == true)
                    case "VMDK descriptor": #expect(refusal?.contains("(disk-flat.vmdk, parent base.vmdk)") == true)
                    case "VMDK sparse": #expect(refusal?.contains("(parent base.vmdk)") == true)
                    case "QED, backing file": #expect(refusal?.contains("(backing file /srv/base.raw)") == true)
                    case "VDI": #expect(refusal?.contains("VDI image") == true)
                    case "dynamic VHD", "qcow2 v3, self-contained": #expect(refusal == nil)
                    default: break
                    }
                }
            }
        }
    }
}

/// A qcow2 header (64 KiB clusters) with its extensions: the backing format, the external data
/// file's name (and incompatible bit 2), the end marker; then the backing file's name.
enum Qcow2Header {
    static func bytes(version: UInt32, backing: String? = nil, dataFile: String? = nil) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 1024)
        BigEndian.put([0x51, 0x46, 0x49, 0xFB], into: &bytes, at: 0)
        BigEndian.put(version, into: &bytes, at: 4)
        BigEndian.put(UInt32(16), into: &bytes, at: 20)
        BigEndian.put(UInt64(64 << 20), into: &bytes, at: 24)
        var position = 72
        if version >= 3 {
            BigEndian.put(UInt64(dataFile == nil ? 0 : 4), into: &bytes, at: 72)
            BigEndian.put(UInt32(4), into: &bytes, at: 96)  // refcount order
            BigEndian.put(UInt32(104), into: &bytes, at: 100)
            position = 104
        }
        func addExtension(_ type: UInt32, _ data: [UInt8]) {
            BigEndian.put(type, into: &bytes, at: position)
            BigEndian.put(UInt32(data.count), into: &bytes, at: position + 4)
            BigEndian.put(data, into: &bytes, at: position + 8)
            position += 8 + (data.count + 7) / 8 * 8
        }
        if let dataFile { addExtension(0x4441_5441, Array(dataFile.utf8)) }
        if backing != nil { addExtension(0xE279_2ACA, Array("raw".utf8)) }
        position += 8  // the end marker: type 0, length 0
        if let backing {
            BigEndian.put(UInt64(position), into: &bytes, at: 8)
            BigEndian.put(UInt32(backing.utf8.count), into: &bytes, at: 16)
            BigEndian.put(Array(backing.utf8), into: &bytes, at: position)
        }
        return bytes
    }
}

/// `DynamicVHD`'s image turned differencing: footer type 4, the parent's Unicode name in the
/// header and a W2ku locator whose UTF-16LE path sits in a sector before the footer.
enum DifferencingVHD {
    static func bytes(parent: String) -> [UInt8] {
        let (metadata, _, _) = DynamicVHD.parts()
        let footer = VHDFooterFields(dataOffset: UInt64(DynamicVHD.headerOffset), diskType: 4).bytes()
        var image = footer + Array(metadata[512...])
        var header = Array(image[DynamicVHD.headerOffset..<DynamicVHD.headerOffset + 1024])
        let units = Array(parent.utf16)
        for (index, unit) in units.enumerated() { BigEndian.put(unit, into: &header, at: 64 + 2 * index) }
        let locator = units.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] }
        BigEndian.put(Array("W2ku".utf8), into: &header, at: 576)
        BigEndian.put(UInt32(512), into: &header, at: 580)
        BigEndian.put(UInt32(locator.count), into: &header, at: 584)
        BigEndian.put(UInt64(image.count), into: &header, at: 592)
        BigEndian.put(UInt32(0), into: &header, at: 36)
        BigEndian.put(VHDFooterFields.checksum(header, excluding: 36..<40), into: &header, at: 36)
        image.replaceSubrange(DynamicVHD.headerOffset..<DynamicVHD.headerOffset + 1024, with: header)
        return image + locator + [UInt8](repeating: 0, count: 512 - locator.count) + footer
    }
}

/// A VMDK sparse extent header (little-endian) with its descriptor embedded at sector 1.
enum SparseVMDK {
    static func bytes(parent: String) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 1536)
        BigEndian.put(Array("KDMV".utf8), into: &bytes, at: 0)
        bytes[4] = 1  // version 1
        bytes[28] = 1  // descriptor at sector 1
        bytes[36] = 2  // two sectors long
        let descriptor = "# Disk DescriptorFile\nversion=1\nparentFileNameHint=\"\(parent)\"\nRW 2048 SPARSE \"child.vmdk\"\n"
        BigEndian.put(Array(descriptor.utf8), into: &bytes, at: 512)
        return bytes
    }
}

/// A QED header (little-endian) with the backing-file feature and the name after the header.
enum QEDHeader {
    static func bytes(backing: String) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 1024)
        BigEndian.put(Array("QED\0".utf8), into: &bytes, at: 0)
        bytes[6] = 0x01  // cluster size 64 KiB (0x00010000)
        bytes[16] = 1  // features: has a backing file
        bytes[56] = 64  // backing file name offset
        bytes[60] = UInt8(backing.utf8.count)
        BigEndian.put(Array(backing.utf8), into: &bytes, at: 64)
        return bytes
    }
}

/// A VDI pre-header: its text line, then the signature 0xbeda107f (little-endian) at 0x40.
enum VDIHeader {
    static func bytes() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 512)
        BigEndian.put(Array("<<< Oracle VM VirtualBox Disk Image >>>\n".utf8), into: &bytes, at: 0)
        BigEndian.put([0x7F, 0x10, 0xDA, 0xBE], into: &bytes, at: 0x40)
        return bytes
    }
}
