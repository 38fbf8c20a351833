/// `KEY=value` files sourced by shell scripts: /etc/sysconfig/kdump, /etc/default/grub.
///
/// These files are executed by the guest's shell, but the audit must read them offline and
/// without running anything. So this understands the subset such files use (assignments,
/// `export`, quoting, comments, multi-line quoted values) and reports, rather than guesses,
/// anything that needs expansion (`$VAR`, `` `cmd` ``): `KDUMP_COMMANDLINE_APPEND="$X irqpoll"`
/// is kept literally with `hasExpansion` set.
public struct ShellAssignments: Sendable, Equatable {
    public struct Assignment: Sendable, Equatable {
        public var name: String
        /// The value after quote removal, with `$…` left literal.
        public var value: String
        /// 1-based line where the assignment starts.
        public var line: Int
        /// The shell would expand something in the value, so `value` may differ from the guest's.
        public var hasExpansion: Bool

        public init(name: String, value: String, line: Int, hasExpansion: Bool = false) {
            self.name = name
            self.value = value
            self.line = line
            self.hasExpansion = hasExpansion
        }
    }

    /// Every assignment in file order, repeats included.
    public var assignments: [Assignment]

    public init(assignments: [Assignment]) {
        self.assignments = assignments
    }

    /// The last assignment of `name` (the one the shell leaves in effect).
    public subscript(name: String) -> Assignment? {
        assignments.last { $0.name == name }
    }

    /// The effective value of `name`, or nil when never assigned.
    public func value(_ name: String) -> String? { self[name]?.value }

    /// Last-wins view: name → final assignment.
    public var effective: [String: Assignment] {
        var result: [String: Assignment] = [:]
        for assignment in assignments { result[assignment.name] = assignment }
        return result
    }

    public static func parse(bytes: [UInt8]) -> ShellAssignments {
        parse(ConfigText.decode(bytes))
    }

    /// Parses the text. A statement is `[export ]NAME=WORD [# comment]`; NAME is a shell
    /// identifier. Lines that are something else (commands, `if`, functions) are skipped.
    /// `NAME=a b` in a shell would run command `b` with NAME set only for it; we record `a`, as
    /// the guest's `source` would not leave NAME set either way... see `value` docs: we keep `a`.
    public static func parse(_ text: String) -> ShellAssignments {
        let scalars = Array(text.unicodeScalars)
        var assignments: [Assignment] = []
        var index = 0
        var line = 1
        while index < scalars.count {
            // Start of a logical line: skip blanks.
            while index < scalars.count, ConfigText.isBlank(scalars[index]) { index += 1 }
            let statementLine = line
            let lineEnd = endOfLine(scalars, from: index)
            if let parsed = parseAssignment(scalars, from: index, lineEnd: lineEnd) {
                assignments.append(Assignment(name: parsed.name, value: parsed.word.text,
                                              line: statementLine, hasExpansion: parsed.word.hasExpansion))
                // A quoted value may span lines: continue after the value's real end.
                let consumedEnd = max(lineEnd, endOfLine(scalars, from: parsed.end))
                line += scalars[index..<min(consumedEnd, scalars.count)].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
                index = consumedEnd
            } else {
                index = lineEnd
            }
            if index < scalars.count, scalars[index] == "\n" { index += 1; line += 1 }
        }
        return ShellAssignments(assignments: assignments)
    }

    private static func endOfLine(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index < scalars.count, scalars[index] != "\n" { index += 1 }
        return index
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "A" && scalar <= "Z") || (scalar >= "a" && scalar <= "z") || scalar == "_"
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || (scalar >= "0" && scalar <= "9")
    }

    /// `[export ]NAME=` followed by one word (possibly empty, possibly spanning lines when quoted).
    private static func parseAssignment(_ scalars: [Unicode.Scalar], from start: Int, lineEnd: Int)
        -> (name: String, word: ShellWords.Word, end: Int)? {
        var index = start
        let export = Array("export".unicodeScalars)
        if lineEnd - index > export.count, Array(scalars[index..<index + export.count]) == export,
           ConfigText.isBlank(scalars[index + export.count]) {
            index += export.count
            while index < lineEnd, ConfigText.isBlank(scalars[index]) { index += 1 }
        }
        guard index < lineEnd, isNameStart(scalars[index]) else { return nil }
        let nameStart = index
        while index < lineEnd, isNameCharacter(scalars[index]) { index += 1 }
        guard index < lineEnd, scalars[index] == "=" else { return nil }
        let name = ConfigText.string(scalars[nameStart..<index])
        index += 1
        if index >= scalars.count || ConfigText.isBlank(scalars[index]) || scalars[index] == "\n" {
            return (name, ShellWords.Word(text: "", hasExpansion: false), index)
        }
        // `NAME=#x` assigns "#x": a `#` only starts a comment at the start of a word.
        let (word, end) = ShellWords.scanWord(scalars, from: index)
        return (name, word, end)
    }
}
