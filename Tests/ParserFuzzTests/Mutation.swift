import PropertyBased

/// One edit to a seed input: the building block of every mutation-based property here.
///
/// Random bytes almost never get past a parser's first check (a cpio magic, a VHD cookie, a
/// YAML document start), so the interesting inputs are realistic files with a few things
/// wrong. A mutation is three plain numbers, so PropertyBased can shrink a failing case to
/// fewer and smaller edits, and a failure prints as a list of edits that can be replayed.
struct Mutation: Sendable, Equatable, CustomStringConvertible {
    enum Kind: UInt8, CaseIterable, Sendable {
        case flipBit, setByte, insertBytes, deleteRange, duplicateChunk, insertNUL, insertInvalidUTF8
        case insertToken, overwriteToken, longRun, truncate, overwriteInteger, overwriteHexField, duplicateLine
    }

    var kind: Kind
    /// Where, taken modulo the input's length (plus one for insertions).
    var position: UInt32
    /// Kind-specific: a byte, a length, a token index, an integer.
    var value: UInt64

    var description: String { "\(kind)@\(position)/\(value)" }

    /// Inputs never grow past this, so a run of `longRun`s cannot turn a case into megabytes.
    static let maximumLength = 256 << 10

    /// Byte sequences that are not UTF-8: a lone continuation byte, an overlong NUL, a cut-off
    /// three-byte sequence, an encoded surrogate, a code point past U+10FFFF, bytes never valid.
    static let invalidUTF8: [[UInt8]] = [
        [0x80], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFE], [0xFF], [0xC3],
    ]

    /// Integers at the edges parsers get wrong: zero, sign bits, all ones, sizes near a sector.
    static let interestingIntegers: [UInt64] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x1FF, 0x200, 0x201, 0x3FF, 0x400, 0x1000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000,
        0xFFFF_FFFE, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, .max - 1, .max,
    ]

    /// Bytes a long run is made of: letters, blanks, quotes, escapes, comment and block characters.
    static let runBytes: [UInt8] = Array("a \t\"'\\#={}$\n\r0".utf8) + [0, 0xFF]

    func apply(to bytes: inout [UInt8], tokens: [[UInt8]]) {
        let count = bytes.count
        let at = Int(position % UInt32(count + 1))  // an insertion point, 0...count
        let index = count == 0 ? 0 : Int(position % UInt32(count))  // an existing byte, when there is one
        switch kind {
        case .flipBit:
            if count > 0 { bytes[index] ^= 1 << (value % 8) } else { bytes.append(UInt8(truncatingIfNeeded: value)) }
        case .setByte:
            if count > 0 { bytes[index] = UInt8(truncatingIfNeeded: value) } else { bytes.append(UInt8(truncatingIfNeeded: value)) }
        case .insertBytes:
            let length = Int(value % 8) + 1
            bytes.insert(contentsOf: (0..<length).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }, at: at)
        case .deleteRange:
            guard count > 0 else { return }
            bytes.removeSubrange(index..<min(count, index + Int(value % 64) + 1))
        case .duplicateChunk:
            guard count > 0 else { return }
            let chunk = Array(bytes[index..<min(count, index + Int(value % 256) + 1)])
            bytes.insert(contentsOf: chunk, at: Int((value >> 16) % UInt64(count + 1)))
        case .insertNUL:
            bytes.insert(0, at: at)
        case .insertInvalidUTF8:
            bytes.insert(contentsOf: Self.invalidUTF8[Int(value % UInt64(Self.invalidUTF8.count))], at: at)
        case .insertToken:
            guard !tokens.isEmpty else { return }
            bytes.insert(contentsOf: tokens[Int(value % UInt64(tokens.count))], at: at)
        case .overwriteToken:
            guard !tokens.isEmpty else { return }
            overwrite(&bytes, at: at, with: tokens[Int(value % UInt64(tokens.count))])
        case .longRun:
            let byte = Self.runBytes[Int((value >> 32) % UInt64(Self.runBytes.count))]
            // Mostly short runs; one in four up to 20,000 bytes (a megabyte-class line after a few).
            let length = (value >> 48) % 4 == 0 ? Int(value % 20_000) + 1 : Int(value % 256) + 1
            bytes.insert(contentsOf: [UInt8](repeating: byte, count: length), at: at)
        case .truncate:
            bytes.removeSubrange(at..<count)
        case .overwriteInteger:
            // Big-endian, 1, 2, 4 or 8 bytes wide: the VHD structures' encoding.
            let width = 1 << Int((value >> 8) % 4)
            let number = Self.integer(value)
            overwrite(&bytes, at: at, with: (0..<width).map { UInt8(truncatingIfNeeded: number >> (8 * UInt64(width - 1 - $0))) })
        case .overwriteHexField:
            // Eight hex digits: the newc cpio header's encoding.
            let number = UInt32(truncatingIfNeeded: Self.integer(value))
            let hex = String(number, radix: 16, uppercase: value & 0x100 == 0)
            overwrite(&bytes, at: at, with: Array((String(repeating: "0", count: 8 - hex.count) + hex).utf8))
        case .duplicateLine:
            guard count > 0 else { return }
            let newline = UInt8(ascii: "\n")
            let start = bytes[..<index].lastIndex(of: newline).map { $0 + 1 } ?? 0
            let end = bytes[index...].firstIndex(of: newline).map { $0 + 1 } ?? count
            let line = Array(bytes[start..<end]) + (end == count && bytes.last != newline ? [newline] : [])
            var copies: [UInt8] = []
            for _ in 0...Int(value % 4) { copies += line }
            bytes.insert(contentsOf: copies, at: end)
        }
        if bytes.count > Self.maximumLength { bytes.removeSubrange(Self.maximumLength...) }
    }

    /// An interesting integer most of the time, the raw value otherwise.
    private static func integer(_ value: UInt64) -> UInt64 {
        let choice = Int((value >> 16) % UInt64(interestingIntegers.count + 4))
        return choice < interestingIntegers.count ? interestingIntegers[choice] : value >> 24
    }

    private func overwrite(_ bytes: inout [UInt8], at offset: Int, with replacement: [UInt8]) {
        let end = min(bytes.count, offset + replacement.count)
        bytes.replaceSubrange(offset..<end, with: replacement)
    }

    /// Mutations with shrinking: fewer edits, smaller numbers, earlier kinds.
    static let generator = zip(
        Gen<UInt8>.value(in: 0...UInt8(Kind.allCases.count - 1)), Gen<UInt32>.value(), Gen<UInt64>.value()
    ).map { parts in Mutation(kind: Kind(rawValue: parts.0)!, position: parts.1, value: parts.2) }
}
