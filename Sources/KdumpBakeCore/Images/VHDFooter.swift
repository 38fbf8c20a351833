/// The 512-byte footer at the end of every VHD file (Microsoft's "Virtual Hard Disk Image Format
/// Specification"): big-endian fields, cookie `conectix`, one's-complement checksum.
///
/// Parsed in pure Swift, without the appliance, because it decides how the image may be opened
/// (qemu probes a fixed VHD as raw) and whether Azure will accept it at all.
public struct VHDFooter: Equatable, Sendable {
    public static let size = 512
    public static let cookie = Array("conectix".utf8)

    public enum DiskType: Equatable, Sendable, CustomStringConvertible {
        case fixed, dynamic, differencing
        case other(UInt32)

        init(rawValue: UInt32) {
            switch rawValue {
            case 2: self = .fixed
            case 3: self = .dynamic
            case 4: self = .differencing
            default: self = .other(rawValue)
            }
        }

        public var description: String {
            switch self {
            case .fixed: "fixed"
            case .dynamic: "dynamic"
            case .differencing: "differencing"
            case .other(let value): "unknown (\(value))"
            }
        }
    }

    public var formatVersion: UInt32
    /// Offset of the dynamic disk header; all ones for fixed disks.
    public var dataOffset: UInt64
    /// Seconds since 2000-01-01 00:00:00 UTC.
    public var timestamp: UInt32
    /// Four ASCII characters: `qem2` for qemu-img, `win ` for Windows, `vpc ` for Virtual PC.
    public var creatorApplication: String
    public var originalSize: UInt64
    /// The virtual disk size in bytes: what the guest sees.
    public var currentSize: UInt64
    public var cylinders: UInt16
    public var heads: UInt8
    public var sectorsPerTrack: UInt8
    public var diskType: DiskType
    /// The checksum stored in the footer.
    public var storedChecksum: UInt32
    /// The checksum computed over the footer's bytes.
    public var computedChecksum: UInt32

    public var checksumIsValid: Bool { storedChecksum == computedChecksum }

    /// Parses a footer from exactly 512 bytes. Only the cookie is required; every other field
    /// is reported as found so the audit can say precisely what is wrong.
    public init(_ bytes: [UInt8]) throws(VHDFooterError) {
        guard bytes.count == Self.size else { throw .wrongLength(bytes.count) }
        guard Array(bytes[0..<8]) == Self.cookie else { throw .noCookie }
        let reader = BigEndianReader(bytes)
        formatVersion = reader.uint32(at: 12)
        dataOffset = reader.uint64(at: 16)
        timestamp = reader.uint32(at: 24)
        creatorApplication = String(decoding: bytes[28..<32], as: UTF8.self)
        originalSize = reader.uint64(at: 40)
        currentSize = reader.uint64(at: 48)
        cylinders = reader.uint16(at: 56)
        heads = bytes[58]
        sectorsPerTrack = bytes[59]
        diskType = DiskType(rawValue: reader.uint32(at: 60))
        storedChecksum = reader.uint32(at: 64)
        computedChecksum = Self.checksum(of: bytes)
    }

    /// The one's complement of the byte sum of the footer, the checksum field itself excluded.
    public static func checksum(of footer: [UInt8]) -> UInt32 {
        onesComplementSum(of: footer, excluding: 64..<68)
    }

    /// The VHD checksum, used by the footer and the dynamic disk header alike: the one's
    /// complement of the sum of all bytes but those of the checksum field.
    static func onesComplementSum(of bytes: [UInt8], excluding field: Range<Int>) -> UInt32 {
        var sum: UInt32 = 0
        for (index, byte) in bytes.enumerated() where !field.contains(index) {
            sum &+= UInt32(byte)
        }
        return ~sum
    }
}

public enum VHDFooterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is shorter than a footer.
    case wrongLength(Int)
    /// The last 512 bytes do not start with `conectix`.
    case noCookie

    public var description: String {
        switch self {
        case .wrongLength(let count): "file is \(count) bytes, shorter than the 512-byte VHD footer"
        case .noCookie: "no VHD footer: the last 512 bytes do not start with the cookie \"conectix\""
        }
    }
}

/// Reads big-endian integers at byte offsets.
struct BigEndianReader {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func uint64(at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
    func uint32(at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
    func uint16(at offset: Int) -> UInt16 {
        bytes[offset..<offset + 2].reduce(0) { $0 << 8 | UInt16($1) }
    }
}
