/// Applies a unified diff to the old file's bytes, the way `patch` would, verifying every hunk
/// header, context line and removed line on the way: the independent check that a rendered
/// diff really turns old into new.
///
/// Only meaningful for valid UTF-8 files, since `UnifiedDiff` decodes lines leniently for
/// display. Returns nil, with the reason in `failure`, when the diff does not fit the old file.
struct UnifiedDiffApplier {
    private(set) var failure: String?

    static let noNewlineMarker = Array("\\ No newline at end of file".utf8)

    /// Lines split after every `\n`, terminator included (a last line may have none).
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in bytes {
            current.append(byte)
            if byte == UInt8(ascii: "\n") { lines.append(current); current = [] }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    mutating func apply(_ diff: String, to old: [UInt8]) -> [UInt8]? {
        let oldLines = Self.lines(old)
        // Split on the byte: as `Character`s, a CRLF line's "\r\n" would be one unsplittable unit.
        var body = Array(diff.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        guard body.last == [] else { return fail("diff does not end in a newline") }
        body.removeLast()
        guard body.count >= 2, body[0].starts(with: "--- ".utf8), body[1].starts(with: "+++ ".utf8) else { return fail("no file header") }
        var result: [UInt8] = []
        var resultLines = 0
        var cursor = 0
        var index = 2
        while index < body.count {
            guard let hunk = Self.header(String(decoding: body[index], as: UTF8.self)) else { return fail("bad hunk header at \(index)") }
            guard hunk.oldStart >= cursor, hunk.oldStart <= oldLines.count else { return fail("hunk at \(hunk.oldStart) out of order") }
            for line in oldLines[cursor..<hunk.oldStart] { result += line; resultLines += 1 }
            cursor = hunk.oldStart
            guard hunk.newStart == resultLines else { return fail("hunk says new line \(hunk.newStart), patch is at \(resultLines)") }
            index += 1
            var (seenOld, seenNew) = (0, 0)
            while index < body.count, !body[index].starts(with: "@@".utf8) {
                let line = body[index]
                index += 1
                // The marker belongs to the line before it, which has already taken its newline away.
                if line == Self.noNewlineMarker { continue }
                let lacksNewline = index < body.count && body[index] == Self.noNewlineMarker
                let bytes = Array(line.dropFirst()) + (lacksNewline ? [] : [UInt8(ascii: "\n")])
                switch line.first {
                case UInt8(ascii: " "), UInt8(ascii: "-"):
                    guard cursor < oldLines.count, oldLines[cursor] == bytes else { return fail("old line \(cursor + 1) differs") }
                    cursor += 1
                    seenOld += 1
                    if line.first == UInt8(ascii: " ") { result += bytes; resultLines += 1; seenNew += 1 }
                case UInt8(ascii: "+"):
                    result += bytes
                    resultLines += 1
                    seenNew += 1
                default:
                    return fail("unexpected diff line \(String(decoding: line, as: UTF8.self))")
                }
            }
            guard seenOld == hunk.oldCount, seenNew == hunk.newCount else {
                return fail("hunk counts \(hunk.oldCount),\(hunk.newCount) but its body has \(seenOld),\(seenNew)")
            }
        }
        for line in oldLines[cursor...] { result += line }
        return result
    }

    /// `@@ -l[,s] +l[,s] @@` as 0-based starts and counts: GNU writes an empty range as the
    /// line before it, and omits a count of 1.
    static func header(_ line: String) -> (oldStart: Int, oldCount: Int, newStart: Int, newCount: Int)? {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "@@", parts[3] == "@@", parts[1].hasPrefix("-"), parts[2].hasPrefix("+"),
              let old = range(parts[1].dropFirst()), let new = range(parts[2].dropFirst()) else { return nil }
        return (old.count == 0 ? old.start : old.start - 1, old.count, new.count == 0 ? new.start : new.start - 1, new.count)
    }

    private static func range(_ text: Substring) -> (start: Int, count: Int)? {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        switch numbers.count {
        case 1: return numbers[0].map { ($0, 1) }
        case 2: guard let start = numbers[0], let count = numbers[1] else { return nil }; return (start, count)
        default: return nil
        }
    }

    private mutating func fail(_ reason: String) -> [UInt8]? {
        failure = reason
        return nil
    }
}
