/// One physical line of a guest file, kept as raw bytes.
///
/// Guest files are edited and diffed as bytes, not `String`s, because a `String` round trip
/// would silently replace bytes that are not UTF-8 (a Latin-1 comment in an old sysctl.conf)
/// and normalise nothing we were asked to touch. Splitting keeps the terminator apart so a
/// CRLF line can be recognised by its content yet written back with its own CRLF.
struct ByteLine: Hashable, Sendable {
    /// The line without its terminator (a trailing `\r` of a CRLF pair is excluded too).
    var content: ArraySlice<UInt8>
    /// `"\n"`, `"\r\n"`, or empty for a last line that has no newline.
    var terminator: ArraySlice<UInt8>

    /// Content plus terminator: exactly the bytes the line occupied in the file.
    var bytes: [UInt8] { Array(content) + Array(terminator) }
    var hasNewline: Bool { !terminator.isEmpty }
    var isCRLF: Bool { terminator.count == 2 }
}

enum ByteLines {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// Splits after every `\n`. A file ending in `\n` has no empty last line, so joining the
    /// lines' `bytes` gives back the input exactly (the round trip every edit relies on).
    static func split(_ bytes: [UInt8]) -> [ByteLine] {
        var lines: [ByteLine] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            guard let newline = bytes[start...].firstIndex(of: newline) else {
                lines.append(ByteLine(content: bytes[start...], terminator: bytes[bytes.endIndex...]))
                break
            }
            let contentEnd = newline > start && bytes[newline - 1] == carriageReturn ? newline - 1 : newline
            lines.append(ByteLine(content: bytes[start..<contentEnd], terminator: bytes[contentEnd...newline]))
            start = newline + 1
        }
        return lines
    }

    /// Spaces and tabs: what shell and sysctl parsers skip around words.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// Blanks plus the other ASCII white space (`\r`, `\v`, `\f`), which procps and systemd
    /// also strip around a sysctl key and value.
    static func isSpace(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == carriageReturn || byte == 0x0B || byte == 0x0C || byte == newline
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }
}
