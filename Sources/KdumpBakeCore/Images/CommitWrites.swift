import Foundation

/// One byte range of the image file that landing a patch writes, and where its new bytes are.
///
/// Learnt from the capture layer (see `InPlaceCommit`): the qcow2 file, made by kdumpbake with
/// 512-byte subclusters over the image file read as raw bytes, into which `qemu-img commit` wrote
/// instead of the image. Its allocated subclusters are exactly the file ranges the commit touched,
/// whatever the image's own format did (qcow2 L2 tables and refcounts, a dynamic VHD's BAT and
/// moved footer, or plain data for raw and fixed VHD).
struct CommitWrite: Equatable, Sendable {
    enum Source: Equatable, Sendable {
        /// The new bytes are in the capture file at this offset.
        case capture(offset: UInt64)
        /// The commit wrote zeros (qemu's write-zeroes): nothing to copy.
        case zeros
    }

    var offset: UInt64
    var length: UInt64
    var source: Source

    var end: UInt64 { offset + length }

    /// Parses `qemu-img map --output=json` of the capture file (a file kdumpbake made, not guest
    /// input): the entries at depth 0 that are present, merged where contiguous on both sides.
    /// Unallocated ranges (depth 1: the image's own bytes, or beyond its end: `present: false`)
    /// were not written.
    static func parse(map json: Data) throws -> [CommitWrite] {
        guard let entries = try JSONSerialization.jsonObject(with: json) as? [[String: Any]] else {
            throw CommitWriteError("qemu-img map printed no list")
        }
        var writes: [CommitWrite] = []
        for entry in entries {
            guard let depth = entry["depth"] as? Int, let start = (entry["start"] as? NSNumber)?.uint64Value,
                  let length = (entry["length"] as? NSNumber)?.uint64Value else {
                throw CommitWriteError("qemu-img map entry without start, length or depth")
            }
            guard depth == 0, entry["present"] as? Bool ?? true, length > 0 else { continue }
            let source: Source
            if entry["data"] as? Bool == true, let offset = (entry["offset"] as? NSNumber)?.uint64Value {
                source = .capture(offset: offset)
            } else if entry["zero"] as? Bool == true {
                source = .zeros
            } else {
                throw CommitWriteError("qemu-img map entry at \(start) is allocated but neither data nor zero")
            }
            writes.append(CommitWrite(offset: start, length: length, source: source))
        }
        return merged(writes.sorted { $0.offset < $1.offset })
    }

    /// Joins neighbours that continue each other in the image and in the capture file.
    static func merged(_ writes: [CommitWrite]) -> [CommitWrite] {
        var result: [CommitWrite] = []
        for write in writes {
            if var last = result.last, last.end == write.offset {
                switch (last.source, write.source) {
                case (.zeros, .zeros):
                    last.length += write.length
                    result[result.count - 1] = last
                    continue
                case (.capture(let a), .capture(let b)) where a + last.length == b:
                    last.length += write.length
                    result[result.count - 1] = last
                    continue
                default: break
                }
            }
            result.append(write)
        }
        return result
    }

    /// `count` of the new bytes from `offset` into this write.
    func newBytes(at offset: UInt64, count: Int, from capture: RawFile) throws -> [UInt8] {
        switch source {
        case .capture(let start): try capture.read(at: start + offset, count: count)
        case .zeros: [UInt8](repeating: 0, count: count)
        }
    }

    /// Keeps the writes below `size`, cut at it: for formats whose file never grows (raw, fixed
    /// VHD), where the capture's size was rounded up to whole sectors.
    static func clipped(_ writes: [CommitWrite], to size: UInt64) -> [CommitWrite] {
        writes.compactMap { write in
            guard write.offset < size else { return nil }
            var write = write
            write.length = min(write.length, size - write.offset)
            return write
        }
    }
}

struct CommitWriteError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
