@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the initrd readers: the newc cpio parser, the segment walk over concatenated
/// archives, and the compression sniffing that picks a host decompressor.
///
/// An initrd is a guest file whose every size field (eight ASCII hex digits) is attacker-chosen,
/// and `CpioArchive` slices buffers by those sizes: a missed bounds check is a trap, not an
/// error message. Mutations overwrite those fields with edge values (0, 0xFFFFFFFF, sizes one
/// past the buffer), cut archives short and shift their alignment.
@Suite("initrd")
struct InitrdFuzzTests {
    static let corpus = Corpus(seeds: NewcArchive.seeds, tokens: NewcArchive.tokens,
                               binaryTokens: [[0x1F, 0x8B], [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0, 0, 0, 0]])

    /// A read either throws `InitrdError` or returns entries whose data lies inside the buffer,
    /// in order, each named by bytes found just before its data.
    @Test func cpioReadStaysInsideTheBuffer() async {
        await propertyCheck(count: FuzzBudget.cases(2000), input: Self.corpus.cases(), Gen<Int>.value(in: -8...600)) { fuzz, start in
            let bytes = fuzz.bytes
            let archive: CpioArchive
            do throws(InitrdError) {
                archive = try CpioArchive.read(bytes, at: start)
            } catch {
                #expect(!error.description.isEmpty)
                return
            }
            #expect(archive.endOffset <= bytes.count)
            var previousEnd = max(0, start)
            let broken = archive.entries.first { entry in
                defer { previousEnd = entry.dataRange.upperBound }
                guard entry.dataRange.lowerBound >= previousEnd + CpioArchive.headerSize,
                      entry.dataRange.upperBound <= archive.endOffset, entry.size == entry.dataRange.count else { return true }
                // The name is stored NUL-terminated in the header, at most a page before the data.
                let name = Array(entry.name.utf8)
                let window = Array(bytes[max(0, entry.dataRange.lowerBound - CpioArchive.maxNameSize - 4)..<entry.dataRange.lowerBound])
                return !entry.name.unicodeScalars.contains("\u{FFFD}") && !Invariants.contains(window, name)
            }
            #expect(broken == nil)
            #expect(!archive.entries.contains { $0.name == "TRAILER!!!" })
        }
    }

    /// Any members, names and data (NULs, non-UTF-8-looking bytes, empty files) written as newc
    /// come back exactly, for both magics.
    @Test func cpioRoundTrip() async {
        let member = zip(TextGen.string(TextGen.scalars("ab/._-\u{E9}\u{1F600} 9"), count: 1...20),
                         Gen<UInt32>.value(in: 0...0o177777), Gen<UInt8>.value().array(of: 0...40))
        await propertyCheck(count: FuzzBudget.cases(1000), input: member.array(of: 0...6), Gen.bool) { members, checksummed in
            // TRAILER!!! as a member name would end the archive early; it cannot be a member.
            let members = members.map { NewcArchive.Member(name: $0.0, mode: $0.1, data: $0.2) }.filter { $0.name != "TRAILER!!!" }
            let bytes = NewcArchive.bytes(members, magic: checksummed ? "070702" : "070701")
            do {
                let archive = try CpioArchive.read(bytes)
                #expect(archive.entries.map(\.name) == members.map(\.name))
                #expect(archive.entries.map(\.mode) == members.map(\.mode))
                #expect(archive.entries.map { Array(bytes[$0.dataRange]) } == members.map(\.data))
                #expect(archive.endOffset == bytes.count)
            } catch {
                Issue.record("a well-formed archive was refused: \(error)")
            }
        }
    }

    /// Listing an uncompressed image (archives back to back, zero padding between) names exactly
    /// the entries a direct read of each archive finds, or throws `InitrdError`.
    @Test func initrdListingMatchesTheArchives() async {
        await propertyCheck(count: FuzzBudget.cases(1500), input: Self.corpus.cases()) { fuzz in
            let bytes = fuzz.bytes
            // Only uncompressed images: a compressed segment would run a host tool per case.
            var offset = InitrdReader.skipZeros(bytes, from: 0)
            var expected: [String] = []
            var segments = 0
            while offset < bytes.count, InitrdCompression.detect(bytes, at: offset) == InitrdCompression.none,
                  let archive = try? CpioArchive.read(bytes, at: offset) {
                expected += archive.entries.map(\.name)
                segments += 1
                offset = InitrdReader.skipZeros(bytes, from: archive.endOffset)
            }
            let compressedTail = offset < bytes.count
                && InitrdCompression.detect(bytes, at: offset).map { $0 != InitrdCompression.none } == true
            guard !compressedTail else { return }
            do {
                let listing = try InitrdReader.fileList(bytes)
                #expect(offset == bytes.count, "listed \(listing.files.count) files, yet bytes from offset \(offset) are no archive")
                #expect(listing.files == expected)
                #expect(listing.segments.count == segments && listing.segments.allSatisfy { $0.compression == InitrdCompression.none })
                #expect(listing.modules.allSatisfy { !$0.isEmpty && !$0.contains("/") })
            } catch {
                #expect(offset < bytes.count, "refused although every segment reads: \(error)")
            }
            var contents: [String: [UInt8]] = [:]
            _ = try? InitrdReader.archives(in: bytes, contents: &contents)
        }
    }

    /// Sniffing at any offset, negative and past the end included, sees exactly what sniffing
    /// the same bytes cut at that offset sees.
    @Test func compressionSniffingIsPositional() async {
        let magics: [[UInt8]] = [Array("070701".utf8), [0x1F, 0x8B], [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], [0x28, 0xB5, 0x2F, 0xFD],
                                 [0x02, 0x21, 0x4C, 0x18], Array("BZh".utf8), [0x5D, 0x00, 0x00], []]
        // What each magic is; the last, empty "magic" leaves the noise alone.
        let kinds: [InitrdCompression] = [.none, .gzip, .xz, .zstd, .lz4, .bzip2, .lzma]
        let input = zip(Gen<UInt8>.value().array(of: 0...12), Gen<Int>.value(in: 0...magics.count - 1),
                        Gen<Int>.value(in: 0...12), Gen<Int>.value(in: -3...20))
        await propertyCheck(count: FuzzBudget.cases(1500), input: input) { noise, magic, cut, offset in
            var bytes = noise
            let at = min(cut, bytes.count)
            bytes.insert(contentsOf: magics[magic], at: at)
            let found = InitrdCompression.detect(bytes, at: offset)
            if offset < 0 || offset > bytes.count {
                #expect(found == nil)
            } else {
                #expect(found == InitrdCompression.detect(Array(bytes[offset...])))
            }
            if offset == at, magic < kinds.count { #expect(found == kinds[magic]) }
        }
    }

    /// Module names from any path: never empty, never a directory, and a suffix of the path.
    @Test func moduleNamesFromPaths() async {
        let path = TextGen.string(TextGen.scalars("ab/.-_koxzgst"), count: 0...24)
        await propertyCheck(count: FuzzBudget.cases(1000), input: path) { path in
            guard let name = InitrdReader.moduleName(fromPath: path) else { return }
            #expect(!name.isEmpty && !name.contains("/"))
            #expect(Invariants.contains(Array(path.unicodeScalars), name.unicodeScalars))
        }
    }
}
