/// What an initrd contains: every file name and the kernel modules among them.
///
/// This is how a rebuilt kdump initrd is verified against its profile (required drivers
/// present, blacklisted ones absent): mkdumprd inside the appliance sees the appliance's
/// hardware, so the result has to be checked rather than trusted.
public struct InitrdListing: Sendable, Equatable {
    /// One cpio archive of the image: its compression and where it started in the file.
    public struct Segment: Sendable, Equatable {
        public var offset: Int
        public var compression: InitrdCompression
        public var fileCount: Int

        public init(offset: Int, compression: InitrdCompression, fileCount: Int) {
            self.offset = offset
            self.compression = compression
            self.fileCount = fileCount
        }
    }

    /// Entry names of all archives, in order (directories and symlinks included, TRAILER!!! not).
    public var files: [String]
    public var segments: [Segment]
    /// Problems that did not prevent listing (a decompressor that complained about trailing bytes).
    public var warnings: [String]
    /// The contents of `InitrdReader.interestingFiles` found in the image (the last archive
    /// holding a name wins, as when the kernel unpacks them in order).
    public var contents: [String: [UInt8]]

    public init(files: [String], segments: [Segment], warnings: [String] = [], contents: [String: [UInt8]] = [:]) {
        self.files = files
        self.segments = segments
        self.warnings = warnings
        self.contents = contents
    }

    /// Per segment: "none", "gzip", "xz", …
    public var compression: [String] { segments.map(\.compression.rawValue) }

    /// Module names, as written in the file names (`hid-hyperv` keeps its dash: el6 mkdumprd
    /// compares file names), without directories and `.ko[.xz|.gz|.zst]`; unique, in order.
    public var modules: [String] {
        var seen = Set<String>()
        return files.compactMap(InitrdReader.moduleName(fromPath:)).filter { seen.insert($0).inserted }
    }
}

public enum InitrdReader {
    static let moduleSuffixes = [".ko", ".ko.xz", ".ko.gz", ".ko.zst"]

    /// dracut's record of the build machine's loaded modules (el7.6+ kdumpctl compares it).
    public static let loadedKernelModulesPath = "usr/lib/dracut/loaded-kernel-modules.txt"
    /// Its successor from RHEL 9.3 (loaded modules plus modalias matches), which 9.3+ kdumpctl reads.
    public static let hostonlyKernelModulesPath = "usr/lib/dracut/hostonly-kernel-modules.txt"
    /// Files whose content, not just presence, says what the capture kernel does: el6's
    /// generated `/init` (its insmod lines) and dracut's module records.
    public static let interestingFiles: Set<String> = ["init", loadedKernelModulesPath, hostonlyKernelModulesPath]
    /// Larger "interesting" files are not kept: a real /init is a few KiB.
    static let interestingFileLimit = 1 << 20

    /// Keeps the content of an entry when it is one of `interestingFiles`.
    static func collect(_ entry: CpioEntry, from bytes: [UInt8], into contents: inout [String: [UInt8]]) {
        var name = Substring(entry.name)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        while name.hasPrefix("/") { name = name.dropFirst() }
        guard interestingFiles.contains(String(name)), entry.isRegularFile, entry.size <= interestingFileLimit else { return }
        contents[String(name)] = Array(bytes[entry.dataRange])
    }

    /// Lists an initrd image: a sequence of segments, each either an uncompressed newc archive
    /// (possibly several back to back, zero-padded between) or a compressed stream whose
    /// content is one or more newc archives. A compressed segment is taken to run to the end of
    /// the file (as dracut and the kernel's microcode tooling lay images out).
    public static func fileList(_ bytes: [UInt8], decompressor: HostDecompressor = HostDecompressor()) throws(InitrdError) -> InitrdListing {
        var listing = InitrdListing(files: [], segments: [], warnings: [])
        var offset = skipZeros(bytes, from: 0)
        while offset < bytes.count {
            guard let compression = InitrdCompression.detect(bytes, at: offset) else {
                throw .unsupportedCompression(magic: Array(bytes[offset..<min(offset + 4, bytes.count)]))
            }
            guard let argv = compression.decompressor else {
                let archive = try CpioArchive.read(bytes, at: offset)
                listing.files += archive.entries.map(\.name)
                for entry in archive.entries { collect(entry, from: bytes, into: &listing.contents) }
                listing.segments.append(.init(offset: offset, compression: .none, fileCount: archive.entries.count))
                offset = skipZeros(bytes, from: archive.endOffset)
                continue
            }
            let output = try decompressor.run(argv, input: bytes[offset...])
            let names: [String]
            do {
                names = try archives(in: output.data, contents: &listing.contents)
            } catch {
                if output.status != 0 { throw .toolFailed(tool: argv[0], status: output.status, stderr: output.stderr) }
                throw error
            }
            if output.status != 0 {
                listing.warnings.append("\(argv[0]) exited \(output.status) after a complete archive"
                                        + (output.stderr.isEmpty ? "" : ": \(output.stderr)"))
            }
            listing.files += names
            listing.segments.append(.init(offset: offset, compression: compression, fileCount: names.count))
            break
        }
        return listing
    }

    /// All archives in a decompressed stream (zero padding between them allowed).
    static func archives(in bytes: [UInt8], contents: inout [String: [UInt8]]) throws(InitrdError) -> [String] {
        var names: [String] = []
        var offset = skipZeros(bytes, from: 0)
        guard offset < bytes.count else { throw .missingTrailer(offset: 0) }
        while offset < bytes.count {
            let archive = try CpioArchive.read(bytes, at: offset)
            names += archive.entries.map(\.name)
            for entry in archive.entries { collect(entry, from: bytes, into: &contents) }
            offset = skipZeros(bytes, from: archive.endOffset)
        }
        return names
    }

    static func skipZeros(_ bytes: [UInt8], from start: Int) -> Int {
        var offset = max(0, start)
        while offset < bytes.count, bytes[offset] == 0 { offset += 1 }
        return offset
    }

    /// `usr/lib/modules/…/hid-hyperv.ko.xz` → `hid-hyperv`; nil for non-module paths.
    public static func moduleName(fromPath path: String) -> String? {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        guard let suffix = moduleSuffixes.first(where: { base.hasSuffix($0) }), base.count > suffix.count else { return nil }
        return String(base.dropLast(suffix.count))
    }

    /// The name the kernel and el7+ tools use: dashes become underscores (`hid-hyperv` → `hid_hyperv`).
    public static func normalizedModuleName(_ name: String) -> String {
        String(name.map { $0 == "-" ? "_" : $0 })
    }
}
