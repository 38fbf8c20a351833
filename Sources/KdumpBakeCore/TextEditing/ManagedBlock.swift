/// A marker-delimited block of lines that kdumpbake owns inside a guest configuration file.
///
/// Configuration-management style (Ansible's `blockinfile`): kdumpbake rewrites only its own
/// block, so re-running it converges instead of piling up copies, and the administrator's
/// other lines survive byte for byte. Owning a block is not enough for the settings to take
/// effect, though: sysctl and the shell both let the *last* assignment win, and a `kernel.panic
/// = 0` before the block would win if the block were ever moved or removed. So assignments of
/// the block's keys anywhere outside it are commented out, with a note saying why, rather than
/// left to override or to confuse the next reader.
public struct ManagedBlock: Sendable, Equatable {
    /// How a line names the key it assigns.
    public enum Syntax: Sendable, Equatable {
        /// sysctl.conf / sysctl.d: `key = value`; `kernel/panic` and `-kernel.panic` name
        /// `kernel.panic` too (as procps and systemd-sysctl read them).
        case sysctl
        /// Files sourced by shell scripts (/etc/sysconfig/kdump): `KEY=value` or `export KEY=value`.
        case shell
        /// /etc/kdump.conf: `directive arguments…`; the key is the directive.
        case kdumpConf
    }

    public static let beginMarker = "# BEGIN kdumpbake managed block: do not edit, kdumpbake rewrites it"
    public static let endMarker = "# END kdumpbake managed block"
    /// Prefix of a conflicting line commented out by `apply`; the original line follows it verbatim.
    public static let supersededPrefix = "# kdumpbake: superseded by the managed block: "

    /// Lines between the markers, without trailing newlines, e.g. `["kernel.panic = 5"]`.
    public var lines: [String]
    /// Keys the block sets; assignments of these keys outside the block are commented out.
    public var keys: Set<String>
    public var syntax: Syntax

    public init(lines: [String], keys: Set<String>, syntax: Syntax) {
        self.lines = lines
        self.keys = keys
        self.syntax = syntax
    }

    /// Returns the edited file.
    ///
    /// - The first complete block is replaced in place; later blocks are removed (a file
    ///   edited by hand or by an old buggy run converges to one block). With no block, it is
    ///   appended, after a newline if the file lacks a final one.
    /// - Assignments of `keys` outside the block, before or after it, become
    ///   `supersededPrefix + original line`; already-commented lines are left alone.
    /// - Every other byte is kept. The block uses CRLF only when every other line of the file
    ///   does, so a CRLF file stays uniform and an LF file never gains a stray `\r`.
    /// - Idempotent: applying the result again returns it unchanged.
    ///
    /// Throws `ManagedBlockError.unterminatedBlock` for a BEGIN without END: the END might have
    /// been deleted by hand, and guessing where the block stops could delete the user's lines.
    public func apply(to original: [UInt8]) throws -> [UInt8] {
        try validate()
        let fileLines = ByteLines.split(original)
        let blocks = try Self.blocks(in: fileLines)
        let inBlock = Set(blocks.flatMap { Array($0) })
        let terminated = fileLines.indices.filter { !inBlock.contains($0) && fileLines[$0].hasNewline }
        var lineEndsCRLF = terminated.map { fileLines[$0].isCRLF }
        // An appended block first completes an unterminated last line; one ending in `\r` then
        // reads as CRLF on the next run, so it must count now (found by ParserFuzzTests: a file
        // of just "\r" otherwise changed on every run).
        if blocks.isEmpty, let last = fileLines.last, !last.hasNewline {
            lineEndsCRLF.append(last.content.last == 0x0D)
        }
        let crlf = lineEndsCRLF.isEmpty
            ? blocks.first.map { fileLines[$0.lowerBound].isCRLF } == true
            : lineEndsCRLF.allSatisfy { $0 }
        let eol: [UInt8] = crlf ? [0x0D, 0x0A] : [0x0A]
        let superseded = conflictingLines(fileLines, blocks: blocks)

        var result: [UInt8] = []
        result.reserveCapacity(original.count + 256)
        var index = 0
        while index < fileLines.count {
            if let block = blocks.first(where: { $0.lowerBound == index }) {
                if block == blocks.first { result += rendered(eol: eol) }
                index = block.upperBound + 1
                continue
            }
            let line = fileLines[index]
            if superseded.contains(index) { result += Array(Self.supersededPrefix.utf8) }
            result += line.content
            result += line.terminator
            index += 1
        }
        if blocks.isEmpty {
            if let last = result.last, last != ByteLines.newline { result += eol }
            result += rendered(eol: eol)
        }
        return result
    }

    /// Whether `original` already has exactly this block, once, and no conflicting assignment
    /// outside it, so nothing needs writing. Defined as "apply changes nothing" so the two can
    /// never disagree (a disagreement would mean rewriting a file on every run, or never).
    public func isApplied(in original: [UInt8]) -> Bool {
        (try? apply(to: original)) == original
    }

    /// Rejects block lines that would break idempotency: an embedded newline would re-split
    /// differently on the next run, and a marker line would end or restart the block early.
    private func validate() throws {
        for (index, line) in lines.enumerated() {
            if line.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                || line == Self.beginMarker || line == Self.endMarker {
                throw ManagedBlockError.invalidBlockLine(index: index, line: line)
            }
        }
    }

    private func rendered(eol: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for line in [Self.beginMarker] + lines + [Self.endMarker] {
            bytes += Array(line.utf8)
            bytes += eol
        }
        return bytes
    }

    /// Line-index ranges of the complete blocks, BEGIN through END inclusive, in file order.
    private static func blocks(in lines: [ByteLine]) throws -> [ClosedRange<Int>] {
        let begin = Array(beginMarker.utf8)
        let end = Array(endMarker.utf8)
        var blocks: [ClosedRange<Int>] = []
        var index = 0
        while index < lines.count {
            guard lines[index].content.elementsEqual(begin) else { index += 1; continue }
            guard let close = lines[(index + 1)...].firstIndex(where: { $0.content.elementsEqual(end) }) else {
                throw ManagedBlockError.unterminatedBlock(line: index + 1)
            }
            blocks.append(index...close)
            index = close + 1
        }
        return blocks
    }

    /// Indices of lines outside every block that belong to an assignment of one of `keys`.
    /// Shell statements are scanned between blocks, so a quote opened by a user line never
    /// swallows kdumpbake's block (and vice versa).
    private func conflictingLines(_ lines: [ByteLine], blocks: [ClosedRange<Int>]) -> Set<Int> {
        var result = Set<Int>()
        var segments: [Range<Int>] = []
        var start = 0
        for block in blocks {
            segments.append(start..<block.lowerBound)
            start = block.upperBound + 1
        }
        segments.append(start..<lines.count)

        switch syntax {
        case .sysctl:
            let wanted = Set(keys.map(SysctlConf.normalizedKey))
            for segment in segments {
                for index in segment where AssignedKeys.sysctlKey(lines[index].content).map(wanted.contains) == true {
                    result.insert(index)
                }
            }
        case .kdumpConf:
            for segment in segments {
                for index in segment where AssignedKeys.kdumpConfKey(lines[index].content).map(keys.contains) == true {
                    result.insert(index)
                }
            }
        case .shell:
            for segment in segments where !segment.isEmpty {
                for statement in AssignedKeys.shellStatements(Array(lines[segment]))
                where statement.key.map(keys.contains) == true {
                    for offset in statement.lines { result.insert(segment.lowerBound + offset) }
                }
            }
        }
        return result
    }
}

/// Why `ManagedBlock.apply` refused to edit a file.
public enum ManagedBlockError: Error, Equatable, CustomStringConvertible {
    /// A BEGIN marker at 1-based `line` with no END after it.
    case unterminatedBlock(line: Int)
    /// The block's own `lines[index]` contains a line break or is a marker.
    case invalidBlockLine(index: Int, line: String)

    public var description: String {
        switch self {
        case .unterminatedBlock(let line):
            "line \(line): \"\(ManagedBlock.beginMarker)\" has no matching END (\"\(ManagedBlock.endMarker)\"); "
                + "refusing to guess where the managed block ends"
        case .invalidBlockLine(let index, let line):
            "managed block line \(index + 1) (\(line.debugDescription)) contains a line break or a marker"
        }
    }
}
