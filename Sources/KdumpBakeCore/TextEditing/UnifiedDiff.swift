/// Renders the change kdumpbake makes to a guest file as a unified diff, exactly as
/// `diff -u` prints it, so a dry run can be reviewed (or applied with `patch`) with tools
/// administrators already trust.
public enum UnifiedDiff {
    /// The unified diff of `old` → `new`, or "" when they are byte-equal.
    ///
    /// Lines are compared as bytes (a CRLF line differs from its LF twin, a last line without
    /// newline differs from the same line with one) and decoded leniently only for display:
    /// invalid UTF-8 becomes U+FFFD, so the result is always a valid `String`.
    /// When the files differ by more than 20,000 lines' worth of edits, the diff is
    /// "everything removed, everything added": still correct, and bounded in time and memory.
    public static func render(old: [UInt8], new: [UInt8], oldLabel: String, newLabel: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        let oldLines = ByteLines.split(old)
        let newLines = ByteLines.split(new)
        let script = LineDiff.edits(old: oldLines, new: newLines)
            ?? Array(repeating: .delete, count: oldLines.count) + Array(repeating: .insert, count: newLines.count)

        var output = "--- \(oldLabel)\n+++ \(newLabel)\n"
        for hunk in hunks(changes(script), oldCount: oldLines.count, context: max(0, context)) {
            output += hunk.header
            var (i, j) = (hunk.oldRange.lowerBound, hunk.newRange.lowerBound)
            for change in hunk.changes {
                while i < change.old.lowerBound {
                    output += line(" ", oldLines[i]); i += 1; j += 1
                }
                for index in change.old { output += line("-", oldLines[index]) }
                for index in change.new { output += line("+", newLines[index]) }
                (i, j) = (change.old.upperBound, change.new.upperBound)
            }
            while i < hunk.oldRange.upperBound {
                output += line(" ", oldLines[i]); i += 1; j += 1
            }
        }
        return output
    }

    /// A maximal run of deleted and/or inserted lines, as index ranges into each side.
    /// Deletions print before insertions within a run, as GNU diff does.
    struct Change: Equatable {
        var old: Range<Int>
        var new: Range<Int>
    }

    struct Hunk {
        var oldRange: Range<Int>
        var newRange: Range<Int>
        var changes: [Change]

        /// `@@ -l,s +l,s @@` with GNU's conventions: `,1` is omitted, and an empty range
        /// names the line *before* it (`-0,0` for an empty file).
        var header: String {
            "@@ -\(Self.range(oldRange)) +\(Self.range(newRange)) @@\n"
        }

        static func range(_ range: Range<Int>) -> String {
            switch range.count {
            case 0: "\(range.lowerBound),0"
            case 1: "\(range.lowerBound + 1)"
            default: "\(range.lowerBound + 1),\(range.count)"
            }
        }
    }

    static func changes(_ script: [LineDiff.Edit]) -> [Change] {
        var changes: [Change] = []
        var (i, j) = (0, 0)
        var index = 0
        while index < script.count {
            if script[index] == .equal { i += 1; j += 1; index += 1; continue }
            let (oldStart, newStart) = (i, j)
            while index < script.count, script[index] != .equal {
                if script[index] == .delete { i += 1 } else { j += 1 }
                index += 1
            }
            changes.append(Change(old: oldStart..<i, new: newStart..<j))
        }
        return changes
    }

    /// Groups changes whose unchanged gap is at most `2 * context` lines into one hunk (their
    /// contexts would touch or overlap), as GNU diff does, and pads each hunk with up to
    /// `context` unchanged lines on both sides.
    static func hunks(_ changes: [Change], oldCount: Int, context: Int) -> [Hunk] {
        var hunks: [Hunk] = []
        var group: [Change] = []
        func flush() {
            guard let first = group.first, let last = group.last else { return }
            let before = min(context, first.old.lowerBound)
            let after = min(context, oldCount - last.old.upperBound)
            hunks.append(Hunk(
                oldRange: (first.old.lowerBound - before)..<(last.old.upperBound + after),
                newRange: (first.new.lowerBound - before)..<(last.new.upperBound + after),
                changes: group))
            group = []
        }
        for change in changes {
            if let last = group.last, change.old.lowerBound - last.old.upperBound > 2 * context { flush() }
            group.append(change)
        }
        flush()
        return hunks
    }

    private static func line(_ prefix: Character, _ line: ByteLine) -> String {
        // The displayed text is the line's bytes without its final "\n" (a CRLF line keeps its "\r").
        var text = String(prefix) + String(decoding: line.content, as: UTF8.self)
        if line.isCRLF { text += "\r" }
        text += line.hasNewline ? "\n" : "\n\\ No newline at end of file\n"
        return text
    }
}
