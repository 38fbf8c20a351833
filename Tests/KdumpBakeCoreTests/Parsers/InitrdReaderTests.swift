import Foundation
import KdumpBakeCore
import Testing

extension Parsers {
    /// Builds initrds the way distributions do: host `cpio -o -H newc` over a directory tree, then a
    /// host compressor. All of gzip, xz, zstd, lz4, bzip2 and cpio are required (ci/setup installs
    /// them); a missing one fails the test with the tool's name instead of skipping silently.
    enum InitrdFixture {
        static let moduleFiles = [
            "usr/lib/modules/3.10.0/kernel/drivers/hv/hv_vmbus.ko.xz",
            "usr/lib/modules/3.10.0/kernel/drivers/hid/hid-hyperv.ko",
            "usr/lib/modules/3.10.0/kernel/drivers/ata/ata_piix.ko.gz",
            "usr/lib/modules/3.10.0/kernel/drivers/scsi/sd_mod.ko.zst",
            "lib/modules/2.6.32/kernel/drivers/ata/ata_piix.ko",
        ]
        static let otherFiles = ["init", "etc/kdump.conf", "usr/lib/modules/3.10.0/modules.dep", "usr/bin/x.kox"]

        /// A newc archive of a fresh tree holding `files` (each containing its own name).
        static func cpio(_ files: [String]) throws -> [UInt8] {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("kdumpbake-initrd-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            var names: [String] = []
            for file in files {
                let url = root.appendingPathComponent(file)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.utf8).write(to: url)
                var parts = file.split(separator: "/").map(String.init)
                parts.removeLast()
                for depth in stride(from: 1, through: parts.count, by: 1) {
                    let directory = parts.prefix(depth).joined(separator: "/")
                    if !names.contains(directory) { names.append(directory) }
                }
                names.append(file)
            }
            let list = Array((names.joined(separator: "\n") + "\n").utf8)
            return try run(["cpio", "--quiet", "-o", "-H", "newc", "-D", root.path], input: list)
        }

        static func compress(_ bytes: [UInt8], with compression: InitrdCompression) throws -> [UInt8] {
            let argv: [String] = switch compression {
            case .none: []
            case .gzip: ["gzip", "-9", "-c"]
            case .xz: ["xz", "--check=crc32", "-c"]
            case .zstd: ["zstd", "-q", "-c"]
            case .lz4: ["lz4", "-l", "-q", "-c"]
            case .bzip2: ["bzip2", "-c"]
            case .lzma: ["xz", "--format=lzma", "-c"]
            }
            return argv.isEmpty ? bytes : try run(argv, input: bytes)
        }

        static func run(_ argv: [String], input: [UInt8]) throws -> [UInt8] {
            let output = try HostDecompressor().run(argv, input: input[...])
            guard output.status == 0 else {
                throw InitrdError.toolFailed(tool: argv[0], status: output.status, stderr: output.stderr)
            }
            return output.data
        }
    }

    @Suite("initrd reader", .serialized)
    struct InitrdReaderTests {
        @Test(arguments: InitrdCompression.allCases)
        func listsEveryCompression(_ compression: InitrdCompression) throws {
            let files = InitrdFixture.moduleFiles + InitrdFixture.otherFiles
            let image = try InitrdFixture.compress(InitrdFixture.cpio(files), with: compression)
            #expect(InitrdCompression.detect(image) == compression)
            let listing = try InitrdReader.fileList(image)
            #expect(listing.compression == [compression.rawValue])
            #expect(Set(listing.files).isSuperset(of: files))
            #expect(listing.files.contains("usr/lib/modules/3.10.0/kernel"))
            #expect(listing.modules == ["hv_vmbus", "hid-hyperv", "ata_piix", "sd_mod"])
            #expect(listing.warnings.isEmpty)
        }

        @Test(arguments: [InitrdCompression.gzip, .xz, .zstd, .lz4])
        func earlyMicrocodeThenCompressedMain(_ compression: InitrdCompression) throws {
            let early = try InitrdFixture.cpio(["early_cpio", "kernel/x86/microcode/GenuineIntel.bin"])
            let main = try InitrdFixture.compress(InitrdFixture.cpio(InitrdFixture.moduleFiles), with: compression)
            var image = early
            image += [UInt8](repeating: 0, count: (512 - image.count % 512) % 512)
            let mainOffset = image.count
            image += main
            let listing = try InitrdReader.fileList(image)
            #expect(listing.compression == ["none", compression.rawValue])
            #expect(listing.segments.map(\.offset) == [0, mainOffset])
            #expect(listing.files.prefix(4) == ["early_cpio", "kernel", "kernel/x86", "kernel/x86/microcode"])
            #expect(listing.modules.count == 4)
        }

        @Test func twoUncompressedArchivesAndConcatenatedGzipMembers() throws {
            let a = try InitrdFixture.cpio(["a"]), b = try InitrdFixture.cpio(["lib/b.ko"])
            let plain = try InitrdReader.fileList(a + [0, 0, 0, 0] + b)
            #expect(plain.files == ["a", "lib", "lib/b.ko"])
            #expect(plain.compression == ["none", "none"])
            // Two gzip members decompress to two archives back to back (zero padding between is fine).
            let gz = try InitrdFixture.compress(a + [0, 0, 0, 0], with: .gzip) + InitrdFixture.compress(b, with: .gzip)
            let listing = try InitrdReader.fileList(gz)
            #expect(listing.files == ["a", "lib", "lib/b.ko"])
            #expect(listing.compression == ["gzip"])
            #expect(listing.modules == ["b"])
        }

        @Test func trailingPaddingAfterCompressedStream() throws {
            let archive = try InitrdFixture.cpio(InitrdFixture.moduleFiles)
            for compression in [InitrdCompression.gzip, .xz, .zstd, .lz4, .bzip2] {
                let image = try InitrdFixture.compress(archive, with: compression) + [UInt8](repeating: 0, count: 3 << 20)
                let listing = try InitrdReader.fileList(image)
                #expect(listing.modules.count == 4, "\(compression)")
            }
            let garbage = try InitrdFixture.compress(archive, with: .gzip) + Array("garbage".utf8)
            let listing = try InitrdReader.fileList(garbage)
            #expect(listing.modules.count == 4)
            #expect(listing.warnings.count == 1)
            #expect(listing.warnings.first?.contains("gzip exited 2") == true)
        }

        @Test func unsupportedAndCorruptImages() throws {
            #expect(throws: InitrdError.unsupportedCompression(magic: [0x12, 0x34, 0x56, 0x78])) {
                try InitrdReader.fileList([0x12, 0x34, 0x56, 0x78, 0x9a])
            }
            #expect(InitrdError.unsupportedCompression(magic: [0x12, 0x34, 0x56, 0x78]).description
                    == "unsupported compression (magic 12 34 56 78)")
            #expect(InitrdError.truncatedHeader(offset: 7).description == "truncated cpio header at offset 7")
            #expect(try InitrdReader.fileList([]).files.isEmpty)
            #expect(try InitrdReader.fileList([0, 0, 0]).segments.isEmpty)
            // A valid gzip stream whose content is not cpio.
            let notCpio = try InitrdFixture.compress(Array(String(repeating: "hello ", count: 30).utf8), with: .gzip)
            #expect(throws: InitrdError.badMagic(offset: 0, found: Array("hello ".utf8))) { try InitrdReader.fileList(notCpio) }
            let tooShort = try InitrdFixture.compress(Array("hello".utf8), with: .gzip)
            #expect(throws: InitrdError.truncatedHeader(offset: 0)) { try InitrdReader.fileList(tooShort) }
            // A truncated xz stream: the tool fails and says so.
            let xz = try InitrdFixture.compress(InitrdFixture.cpio(InitrdFixture.moduleFiles), with: .xz)
            do {
                _ = try InitrdReader.fileList(Array(xz.prefix(xz.count / 2)))
                Issue.record("expected a failure")
            } catch {
                guard case .toolFailed(let tool, _, let stderr) = error else { Issue.record("\(error)"); return }
                #expect(tool == "xz")
                #expect(!stderr.isEmpty)
            }
            // Magic only: each decompressor rejects the stub without hanging.
            for magic: [UInt8] in [[0x1f, 0x8b], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], [0x28, 0xb5, 0x2f, 0xfd],
                                   [0x02, 0x21, 0x4c, 0x18], Array("BZh".utf8), [0x5d, 0, 0]] {
                #expect(throws: InitrdError.self) { try InitrdReader.fileList(magic + [1, 2, 3]) }
            }
        }

        @Test func decompressionBombIsCapped() throws {
            let zeros = try InitrdFixture.compress([UInt8](repeating: 0x30, count: 4 << 20), with: .gzip)
            let small = HostDecompressor(maxOutput: 1 << 20, timeout: 60)
            #expect(throws: InitrdError.outputTooLarge(tool: "gzip", limit: 1 << 20)) {
                try InitrdReader.fileList(zeros, decompressor: small)
            }
        }

        @Test func hungToolIsKilled() throws {
            let start = Date()
            #expect(throws: InitrdError.timedOut(tool: "sleep", seconds: 0.5)) {
                try HostDecompressor(timeout: 0.5).run(["sleep", "30"], input: [1, 2, 3][...])
            }
            #expect(Date().timeIntervalSince(start) < 10)
            #expect(throws: InitrdError.toolMissing("no-such-decompressor-kdumpbake")) {
                try HostDecompressor().run(["no-such-decompressor-kdumpbake"], input: [][...])
            }
        }

        @Test func toolThatStopsReadingEarlyDoesNotDeadlock() throws {
            // `true` exits without reading 8 MiB of stdin: the writer must get EPIPE, not SIGPIPE or a hang.
            let output = try HostDecompressor().run(["true"], input: [UInt8](repeating: 7, count: 8 << 20)[...])
            #expect(output.status == 0)
            #expect(output.data.isEmpty)
        }

        @Test func moduleNames() {
            #expect(InitrdReader.moduleName(fromPath: "a/b/hid-hyperv.ko.xz") == "hid-hyperv")
            #expect(InitrdReader.moduleName(fromPath: "x.ko.zst") == "x")
            #expect(InitrdReader.moduleName(fromPath: ".ko") == nil)
            #expect(InitrdReader.moduleName(fromPath: "x.ko.bz2") == nil)
            #expect(InitrdReader.moduleName(fromPath: "dir.ko/") == "dir")
            #expect(InitrdReader.normalizedModuleName("hid-hyperv") == "hid_hyperv")
            let listing = InitrdListing(files: ["a/x.ko", "b/x.ko.xz", "y.ko"], segments: [], warnings: [])
            #expect(listing.modules == ["x", "y"])
        }
    }
}
