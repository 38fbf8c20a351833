@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the host-side VHD readers: the 512-byte footer and the dynamic disk header plus
/// block allocation table behind it (`VHDDynamicLayout.problems`, fed in-memory bytes).
///
/// These run on the user's image before any appliance starts, to refuse a damaged container;
/// every offset and size in them is a 32- or 64-bit big-endian number from the file. So the
/// mutations write edge integers (all ones, sign bits, a sector off) into the structures, and
/// the properties demand answers in words, never a trap, and no read outside the file.
@Suite("VHD")
struct VHDFuzzTests {
    static let footerCorpus = Corpus(
        seeds: [Seed("fixed footer", bytes: VHDFooterFields().bytes()),
                Seed("dynamic footer", bytes: VHDFooterFields(dataOffset: 512, creator: Array("win ".utf8), diskType: 3).bytes())],
        tokens: ["conectix", "cxsparse", "qem2"])

    static let imageCorpus = Corpus(seeds: [Seed("dynamic VHD", bytes: DynamicVHD.seed())], tokens: ["conectix", "cxsparse"])

    /// The footer parser throws exactly for a wrong length or a missing cookie, and otherwise
    /// reports the checksum's validity as the byte sum says.
    @Test func footerOutcomeFollowsLengthCookieAndSum() async {
        await propertyCheck(count: FuzzBudget.cases(1500), input: Self.footerCorpus.cases()) { fuzz in
            let bytes = fuzz.bytes
            do throws(VHDFooterError) {
                let footer = try VHDFooter(bytes)
                #expect(bytes.count == VHDFooter.size && bytes.starts(with: VHDFooter.cookie))
                let stored = bytes[64..<68].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                #expect(footer.storedChecksum == stored)
                #expect(footer.checksumIsValid == (stored == VHDFooterFields.checksum(bytes, excluding: 64..<68)))
            } catch .wrongLength(let count) {
                #expect(count == bytes.count && count != VHDFooter.size)
            } catch .noCookie {
                #expect(bytes.count == VHDFooter.size && !bytes.starts(with: VHDFooter.cookie))
            }
        }
    }

    /// Footers built from arbitrary field values parse back to those values.
    @Test func footerFieldsRoundTrip() async {
        await propertyCheck(count: FuzzBudget.cases(1000), input: Gen<UInt64>.value(), Gen<UInt64>.value(), Gen<UInt32>.value(),
                            Gen<UInt16>.value(), Gen<UInt8>.value(), Gen<UInt8>.value(), Gen<UInt32>.value(in: 0...6), Gen.bool) {
            offset, size, timestamp, cylinders, heads, sectors, type, corrupt in
            let fields = VHDFooterFields(dataOffset: offset, timestamp: timestamp, originalSize: size / 2, currentSize: size,
                                         cylinders: cylinders, heads: heads, sectorsPerTrack: sectors, diskType: type)
            var bytes = fields.bytes()
            if corrupt { bytes[500] ^= 0x5A }  // reserved area: only the checksum notices
            let footer = try #require(try? VHDFooter(bytes))
            #expect(footer.dataOffset == offset && footer.currentSize == size && footer.originalSize == size / 2)
            #expect(footer.timestamp == timestamp && footer.creatorApplication == "qem2")
            #expect(footer.cylinders == cylinders && footer.heads == heads && footer.sectorsPerTrack == sectors)
            let expectedType: VHDFooter.DiskType = switch type {
            case 2: .fixed
            case 3: .dynamic
            case 4: .differencing
            default: .other(type)
            }
            #expect(footer.diskType == expectedType)
            #expect(footer.checksumIsValid == !corrupt)
        }
    }

    /// A sound dynamic VHD has no problems; a mutated one gets problems in words, every read
    /// asked of the file lies inside it and before the footer, and a file size that lies about
    /// the bytes behind it (reads come back short) is handled the same way.
    @Test func dynamicLayoutNeverReadsOutsideTheFile() async {
        await propertyCheck(count: FuzzBudget.cases(800), input: Self.imageCorpus.cases(), Gen<UInt64>.value()) { fuzz, claimedSize in
            let image = DynamicVHD.image(fromSeed: fuzz.bytes)
            guard image.count >= VHDFooter.size, let footer = try? VHDFooter(Array(image.suffix(VHDFooter.size))) else { return }
            for fileSize in [UInt64(image.count), claimedSize % (UInt64(image.count) * 4 + 1), claimedSize] {
                var outside: [(UInt64, Int)] = []
                let problems = VHDDynamicLayout.problems(footer: footer, fileSize: fileSize) { offset, count in
                    let dataEnd = fileSize >= UInt64(VHDFooter.size) ? fileSize - UInt64(VHDFooter.size) : 0
                    if count < 0 || offset > dataEnd || dataEnd - offset < UInt64(count) { outside.append((offset, count)) }
                    guard offset < UInt64(image.count) else { return [] }
                    let start = Int(offset)
                    return Array(image[start..<min(image.count, start + max(0, count))])
                }
                #expect(outside.isEmpty, "reads outside the \(fileSize)-byte file: \(outside)")
                #expect(problems.allSatisfy { !$0.isEmpty })
                if fuzz.mutations.isEmpty, fileSize == UInt64(image.count) { #expect(problems == []) }
            }
        }
    }

    /// Header fields set to edge values one at a time: block sizes that are not powers of two,
    /// tables longer than the file or than any real disk, offsets past the end, wrong checksums.
    @Test func dynamicHeaderEdgeValues() async {
        let edge = Gen<Int>.value(in: 0...Mutation.interestingIntegers.count - 1).map { Mutation.interestingIntegers[$0] }
        await propertyCheck(count: FuzzBudget.cases(600), input: edge, edge, edge, Gen<UInt8>.value(in: 0...7)) { offset, entries, size, which in
            let (metadata, blocks, footer) = DynamicVHD.parts()
            let header = DynamicVHD.header(
                tableOffset: which & 1 != 0 ? offset : UInt64(DynamicVHD.tableOffset),
                entries: which & 2 != 0 ? UInt32(truncatingIfNeeded: entries) : DynamicVHD.tableEntries,
                blockSize: which & 4 != 0 ? UInt32(truncatingIfNeeded: size) : DynamicVHD.blockSize,
                checksum: which == 0 ? 0 : nil)
            var image = metadata + blocks + footer
            image.replaceSubrange(DynamicVHD.headerOffset..<DynamicVHD.headerOffset + header.count, with: header)
            let parsedFooter = try #require(try? VHDFooter(footer))
            let problems = VHDDynamicLayout.problems(footer: parsedFooter, fileSize: UInt64(image.count)) { offset, count in
                guard offset < UInt64(image.count) else { return [] }
                return Array(image[Int(offset)..<min(image.count, Int(offset) + count)])
            }
            let unchanged = (which & 1 == 0 || offset == UInt64(DynamicVHD.tableOffset))
                && (which & 2 == 0 || UInt32(truncatingIfNeeded: entries) == DynamicVHD.tableEntries)
                && (which & 4 == 0 || UInt32(truncatingIfNeeded: size) == DynamicVHD.blockSize)
            #expect(problems.isEmpty == (unchanged && which != 0), "\(problems)")
        }
    }
}
