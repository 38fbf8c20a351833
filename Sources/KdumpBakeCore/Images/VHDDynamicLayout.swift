/// The structure of a dynamic VHD past its footer: the 1,024-byte dynamic disk header (cookie
/// `cxsparse`) and the block allocation table (BAT) it points to, one big-endian sector number
/// per block, all ones for a block never written.
///
/// Checked on the host before qemu opens the file: qemu's vpc driver reads whatever a broken BAT
/// points at (past the end of the file it reads zeros), so a damaged dynamic VHD would otherwise
/// look like a disk without an operating system, or like a guest made of someone else's blocks.
public struct VHDDynamicLayout: Equatable, Sendable {
    public static let headerSize = 1024
    public static let cookie = Array("cxsparse".utf8)
    /// A BAT larger than this (16 M blocks: 32 TiB at the default 2 MiB block size) is refused
    /// rather than read: Azure's limit is 1,023 GiB, and the table is read into memory.
    static let maximumTableEntries: UInt32 = 1 << 24

    public var tableOffset: UInt64
    public var maxTableEntries: UInt32
    public var blockSize: UInt32
    public var storedChecksum: UInt32
    public var computedChecksum: UInt32

    /// Parses the dynamic disk header from exactly 1,024 bytes.
    public init(header bytes: [UInt8]) throws(VHDLayoutError) {
        guard bytes.count == Self.headerSize else { throw .problem("the dynamic disk header is cut short (\(bytes.count) of 1024 bytes)") }
        guard Array(bytes[0..<8]) == Self.cookie else { throw .problem("no dynamic disk header (cookie \"cxsparse\") where the footer's data offset points") }
        let reader = BigEndianReader(bytes)
        tableOffset = reader.uint64(at: 16)
        maxTableEntries = reader.uint32(at: 28)
        blockSize = reader.uint32(at: 32)
        storedChecksum = reader.uint32(at: 36)
        computedChecksum = VHDFooter.onesComplementSum(of: bytes, excluding: 36..<40)
    }

    /// Bytes of the sector bitmap in front of each block: one bit per sector, padded to a sector.
    var bitmapSize: UInt64 {
        let bytes = (UInt64(blockSize) / 512 + 7) / 8
        return (bytes + 511) / 512 * 512
    }

    /// What is wrong with the header and table, given the footer and the file size; empty when
    /// the layout is sound. `read` reads `count` bytes at an offset of the file.
    public static func problems(footer: VHDFooter, fileSize: UInt64,
                                read: (_ offset: UInt64, _ count: Int) throws -> [UInt8]) -> [String] {
        guard fileSize >= UInt64(VHDFooter.size) else { return ["the file is shorter than a VHD footer"] }
        let dataEnd = fileSize - UInt64(VHDFooter.size)
        guard footer.dataOffset < dataEnd, dataEnd - footer.dataOffset >= UInt64(headerSize) else {
            return ["the footer's data offset \(footer.dataOffset) is outside the file (\(fileSize) bytes)"]
        }
        let layout: VHDDynamicLayout
        do {
            layout = try VHDDynamicLayout(header: try read(footer.dataOffset, headerSize))
        } catch let error as VHDLayoutError {
            return [error.description]
        } catch {
            return ["the dynamic disk header cannot be read: \(error)"]
        }
        var problems: [String] = []
        if layout.storedChecksum != layout.computedChecksum {
            problems.append(String(format: "dynamic disk header checksum is 0x%08X but the header sums to 0x%08X: the header is corrupt",
                                   layout.storedChecksum, layout.computedChecksum))
        }
        guard layout.blockSize >= 512, layout.blockSize.nonzeroBitCount == 1 else {
            return problems + ["block size \(layout.blockSize) is not a power of two of at least 512 bytes"]
        }
        guard layout.maxTableEntries <= maximumTableEntries else {
            return problems + ["the block allocation table claims \(layout.maxTableEntries) entries, more than any real VHD"]
        }
        if UInt64(layout.maxTableEntries) * UInt64(layout.blockSize) < footer.currentSize {
            problems.append("the block allocation table covers \(UInt64(layout.maxTableEntries) * UInt64(layout.blockSize)) bytes, less than the disk's \(footer.currentSize)")
        }
        let tableBytes = UInt64(layout.maxTableEntries) * 4
        guard layout.tableOffset <= dataEnd, dataEnd - layout.tableOffset >= tableBytes else {
            return problems + ["the block allocation table (\(tableBytes) bytes at offset \(layout.tableOffset)) runs past the end of the file"]
        }
        let table: [UInt8]
        do {
            table = try read(layout.tableOffset, Int(tableBytes))
        } catch {
            return problems + ["the block allocation table cannot be read: \(error)"]
        }
        guard table.count == Int(tableBytes) else { return problems + ["the block allocation table is cut short"] }
        let reader = BigEndianReader(table)
        let span = layout.bitmapSize + UInt64(layout.blockSize)
        var outside: [Int] = []
        for entry in 0..<Int(layout.maxTableEntries) {
            let sector = reader.uint32(at: entry * 4)
            guard sector != .max else { continue }
            let start = UInt64(sector) * 512
            if start < UInt64(headerSize) || start > dataEnd || dataEnd - start < span { outside.append(entry) }
        }
        if let first = outside.first {
            problems.append("the block allocation table is broken: \(outside.count) block(s) point outside the file's data (first: block \(first))")
        }
        return problems
    }
}

public enum VHDLayoutError: Error, Equatable, Sendable, CustomStringConvertible {
    case problem(String)
    public var description: String {
        switch self { case .problem(let text): text }
    }
}
