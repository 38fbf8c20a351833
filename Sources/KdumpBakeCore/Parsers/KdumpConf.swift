/// `/etc/kdump.conf`, read the way kdumpctl (el7+) and the el6 init script read it.
///
/// The file decides where the capture kernel writes and which drivers its initrd gets, so an
/// audit must see the same directives the guest's tools see: whole-line comments, trailing
/// `  # comment`s stripped, repeated lines kept in order (mkdumprd accumulates `extra_modules`
/// and `blacklist`, while single-valued directives such as `path` take the last occurrence).
public struct KdumpConf: Sendable, Equatable {
    /// One non-comment line: `name arguments…`.
    public struct Directive: Sendable, Equatable {
        /// The first word, as written (directives are case-sensitive in kdumpctl).
        public var name: String
        /// The rest of the line, trimmed, trailing comment removed.
        public var arguments: String
        /// `arguments` split on blanks, honouring "double" and 'single' quotes.
        public var words: [String]
        /// 1-based line number in the file, for findings.
        public var line: Int
        /// The physical line as written (before comment removal): some releases read it raw
        /// (el6 `options` lines, el7.5+'s leading-whitespace rule).
        public var raw: String

        public init(name: String, arguments: String, words: [String], line: Int, raw: String = "") {
            self.name = name
            self.arguments = arguments
            self.words = words
            self.line = line
            self.raw = raw
        }
    }

    /// Every directive in file order.
    public var directives: [Directive]

    public init(directives: [Directive]) {
        self.directives = directives
    }

    /// Parses kdump.conf text. Never fails: lines that are not directives do not exist in this
    /// format (every non-comment line is `name [args]`), and unknown names are kept so the audit
    /// can report them against the release (`KexecToolsRelease.configProblems`).
    public static func parse(_ text: String) -> KdumpConf {
        parse(text) { stripComment($0) }
    }

    /// Parses with a release's own comment rule (`KexecToolsRelease.readKdumpConf`): what is a
    /// comment differs between kexec-tools releases, and so does what the tools see.
    package static func parse(_ text: String, removingComments strip: (_ line: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar>) -> KdumpConf {
        var directives: [Directive] = []
        for line in ConfigText.lines(text) {
            let content = ConfigText.trimmed(strip(line.scalars))
            guard !content.isEmpty else { continue }
            let (name, rest) = ConfigText.splitFirstWord(content)
            directives.append(Directive(
                name: name,
                arguments: ConfigText.string(rest),
                words: ShellWords.split(scalars: Array(rest)).map(\.text),
                line: line.number,
                raw: ConfigText.string(line.scalars[...])))
        }
        return KdumpConf(directives: directives)
    }

    /// Parses raw guest bytes; invalid UTF-8 becomes U+FFFD and parsing carries on.
    public static func parse(bytes: [UInt8]) -> KdumpConf {
        parse(ConfigText.decode(bytes))
    }

    /// A line whose first non-blank character is `#` is a comment; otherwise a `#` preceded by a
    /// blank starts a trailing comment (el7 kdumpctl strips those before using the value). A `#`
    /// glued to a word (`path /var/crash#1`) stays: it can be part of a value.
    static func stripComment(_ scalars: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        var sawNonBlank = false
        for (index, scalar) in scalars.enumerated() {
            if scalar == "#" {
                if !sawNonBlank { return [] }
                if index > 0, ConfigText.isBlank(scalars[index - 1]) { return scalars[0..<index] }
            }
            if !ConfigText.isBlank(scalar) { sawNonBlank = true }
        }
        return scalars[...]
    }

    /// All occurrences of a directive, in file order.
    public func all(_ name: String) -> [Directive] {
        directives.filter { $0.name == name }
    }

    /// The last occurrence: the one that counts for single-valued directives (`path`, `core_collector`).
    public func last(_ name: String) -> Directive? {
        directives.last { $0.name == name }
    }

    /// The words of every occurrence, concatenated in order: repeated `extra_modules` or
    /// `blacklist` lines accumulate, as mkdumprd does.
    public func words(of name: String) -> [String] {
        all(name).flatMap(\.words)
    }
}
