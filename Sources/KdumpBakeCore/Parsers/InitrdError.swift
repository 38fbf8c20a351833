/// Why an initrd could not be listed. Messages name the offset or magic involved, because the
/// bytes come from a guest image and the user needs to know what in it is wrong.
public enum InitrdError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncatedHeader(offset: Int)
    case badMagic(offset: Int, found: [UInt8])
    case badHexField(offset: Int, field: String)
    case nameTooLong(offset: Int, size: Int)
    case truncatedName(offset: Int)
    case truncatedData(offset: Int, size: Int)
    case missingTrailer(offset: Int)
    case tooManyEntries(offset: Int)
    case unsupportedCompression(magic: [UInt8])
    case toolMissing(String)
    case toolFailed(tool: String, status: Int32, stderr: String)
    case outputTooLarge(tool: String, limit: Int)
    case timedOut(tool: String, seconds: Double)

    public var description: String {
        switch self {
        case .truncatedHeader(let offset): "truncated cpio header at offset \(offset)"
        case .badMagic(let offset, let found): "not a newc cpio header at offset \(offset) (magic \(Self.hex(found)))"
        case .badHexField(let offset, let field): "cpio header at offset \(offset): field \(field) is not 8 hex digits"
        case .nameTooLong(let offset, let size): "cpio header at offset \(offset): file name size \(size) is absurd"
        case .truncatedName(let offset): "truncated cpio file name at offset \(offset)"
        case .truncatedData(let offset, let size): "cpio entry at offset \(offset) claims \(size) bytes of data past the end of the archive"
        case .missingTrailer(let offset): "cpio archive ends at offset \(offset) without TRAILER!!!"
        case .tooManyEntries(let offset): "cpio archive has more than \(CpioArchive.maxEntries) entries (at offset \(offset))"
        case .unsupportedCompression(let magic): "unsupported compression (magic \(Self.hex(magic)))"
        case .toolMissing(let tool): "decompressor \(tool) not found on the host (install it)"
        case .toolFailed(let tool, let status, let stderr): "\(tool) failed (exit \(status))" + (stderr.isEmpty ? "" : ": \(stderr)")
        case .outputTooLarge(let tool, let limit): "\(tool) output exceeds \(limit) bytes; refusing to decompress further"
        case .timedOut(let tool, let seconds): "\(tool) ran longer than \(Int(seconds)) s and was killed"
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined(separator: " ")
    }
}
