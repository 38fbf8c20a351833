/// Which lines of a configuration file assign which key, for `ManagedBlock`'s conflict rule.
///
/// This is deliberately a recogniser, not a full parser: it only needs to find the lines that
/// would override the managed block, and to never comment out half of a statement (which
/// would turn the rest of a shell statement into a command or an unterminated quote).
enum AssignedKeys {
    /// A statement occupying `lines` (indices into the file's lines, consecutive) that assigns
    /// `key`, or nil when it assigns nothing.
    struct Statement: Equatable {
        var lines: ClosedRange<Int>
        var key: String?
    }

    /// The key a sysctl line sets, normalised like `SysctlConf` (`kernel/panic` → `kernel.panic`,
    /// leading `-` dropped), or nil for comments, blank lines and lines without `=`.
    /// sysctl has no continuation lines, so each line is its own statement.
    static func sysctlKey(_ content: ArraySlice<UInt8>) -> String? {
        let line = ByteLines.trimmed(content)
        guard let first = line.first, first != UInt8(ascii: "#"), first != UInt8(ascii: ";"),
              let equals = line.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        var key = ByteLines.trimmed(line[..<equals])
        if key.first == UInt8(ascii: "-") { key = ByteLines.trimmed(key.dropFirst()) }
        guard !key.isEmpty else { return nil }
        return SysctlConf.normalizedKey(String(decoding: key, as: UTF8.self))
    }

    /// The directive a kdump.conf line gives (its first word), or nil for comments and blank lines.
    static func kdumpConfKey(_ content: ArraySlice<UInt8>) -> String? {
        let line = ByteLines.trimmed(content)
        guard let first = line.first, first != UInt8(ascii: "#") else { return nil }
        let word = line.prefix { !ByteLines.isBlank($0) }
        return word.isEmpty ? nil : String(decoding: word, as: UTF8.self)
    }

    /// The variable a shell statement's first line assigns: `NAME=…` or `export NAME=…`
    /// (leading blanks allowed). `NAME` must be a shell identifier directly followed by `=`,
    /// as the shell requires (`NAME = x` runs a command named NAME).
    static func shellKey(_ content: ArraySlice<UInt8>) -> String? {
        var rest = content.drop(while: ByteLines.isBlank)
        let export = Array("export".utf8)
        if rest.starts(with: export), let next = rest.dropFirst(export.count).first, ByteLines.isBlank(next) {
            rest = rest.dropFirst(export.count).drop(while: ByteLines.isBlank)
        }
        guard let first = rest.first, isIdentifierStart(first) else { return nil }
        let name = rest.prefix(while: isIdentifierByte)
        guard rest.dropFirst(name.count).first == UInt8(ascii: "=") else { return nil }
        return String(decoding: name, as: UTF8.self)
    }

    /// Groups shell lines into statements: a statement continues onto the next line while a
    /// quote is open or the line ends in an unquoted backslash. So `A="x\n y"` is one
    /// two-line statement, and `B=1` written inside another variable's quoted value is not an
    /// assignment at all.
    ///
    /// Known limits (not seen in the sysconfig files kdumpbake edits): `$'…'`, quotes nested in
    /// `$( … )` inside double quotes, here-documents.
    static func shellStatements(_ lines: [ByteLine]) -> [Statement] {
        var statements: [Statement] = []
        var start = 0
        var scanner = QuoteScanner()
        for index in lines.indices {
            scanner.scan(lines[index].content)
            if scanner.continues && index < lines.count - 1 { continue }
            statements.append(Statement(lines: start...index, key: shellKey(lines[start].content)))
            scanner = QuoteScanner()
            start = index + 1
        }
        return statements
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Tracks shell quoting across the lines of one statement.
private struct QuoteScanner {
    private enum State { case normal, single, double }
    private var state = State.normal
    private var backslashAtEnd = false

    /// True when the statement goes on to the next line.
    var continues: Bool { state != .normal || backslashAtEnd }

    mutating func scan(_ line: ArraySlice<UInt8>) {
        backslashAtEnd = false
        var previous: UInt8? = nil  // nil: start of line (a `#` there starts a comment)
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            switch state {
            case .single:
                if byte == UInt8(ascii: "'") { state = .normal }
            case .double:
                if byte == UInt8(ascii: "\\") {
                    index += 1  // escapes the next byte; at line end, the newline
                } else if byte == UInt8(ascii: "\"") {
                    state = .normal
                }
            case .normal:
                if byte == UInt8(ascii: "\\") {
                    if index + 1 == line.endIndex { backslashAtEnd = true }
                    index += 1
                } else if byte == UInt8(ascii: "'") {
                    state = .single
                } else if byte == UInt8(ascii: "\"") {
                    state = .double
                } else if byte == UInt8(ascii: "#"), previous.map(Self.endsWord) ?? true {
                    return  // comment: quotes in it mean nothing
                }
            }
            previous = byte
            index += 1
        }
    }

    /// Bytes after which a `#` starts a comment rather than being part of a word.
    private static func endsWord(_ byte: UInt8) -> Bool {
        ByteLines.isBlank(byte) || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
    }
}
