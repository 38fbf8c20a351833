/// Shell-style word splitting, as far as the guest's configuration files rely on it.
///
/// kdump.conf arguments (`dracut_args --add-drivers "a b"`), grub.cfg lines and sysconfig values
/// are all read by a shell or a shell-like lexer, so quoting has to be honoured for words to come
/// out the way the guest sees them. Deliberately no expansion: `$VAR` stays literal and is only
/// reported, because the parsers run offline and must not guess the guest's environment.
public enum ShellWords {
    /// One word after quote removal.
    public struct Word: Sendable, Equatable {
        public var text: String
        /// True when an unquoted or double-quoted `$` or backquote appeared: the shell would have
        /// expanded something here, so `text` is not what the guest really sees.
        public var hasExpansion: Bool
    }

    /// Splits `text` into words. Rules: blanks separate words; `'…'` is literal; in `"…"` a
    /// backslash escapes only `"`, `\`, `$` and backquote; an unquoted backslash escapes the next
    /// character. An unterminated quote runs to the end of the text (lenient: hostile input
    /// should still yield words, not an error). Linear time, no recursion.
    public static func split(_ text: String) -> [Word] {
        split(scalars: Array(text.unicodeScalars))
    }

    static func split(scalars: [Unicode.Scalar]) -> [Word] {
        var words: [Word] = []
        var index = 0
        while true {
            while index < scalars.count, ConfigText.isBlank(scalars[index]) || scalars[index] == "\n" { index += 1 }
            guard index < scalars.count else { break }
            let (word, next) = scanWord(scalars, from: index)
            words.append(word)
            index = next
        }
        return words
    }

    /// Scans one word starting at `start` (which must not be a blank); returns it and the index just
    /// after it. Also used by the assignment parser, which needs to know where a value ends.
    static func scanWord(_ scalars: [Unicode.Scalar], from start: Int) -> (Word, Int) {
        var out: [Unicode.Scalar] = []
        var expansion = false
        var index = start
        scanning: while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\r", "\n", "\u{0B}", "\u{0C}":
                break scanning
            case "'":
                index += 1
                while index < scalars.count, scalars[index] != "'" {
                    out.append(scalars[index]); index += 1
                }
                index += 1 // closing quote (or past the end when unterminated)
            case "\"":
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    let inner = scalars[index]
                    if inner == "\\", index + 1 < scalars.count,
                       ["\"", "\\", "$", "`"].contains(scalars[index + 1]) {
                        out.append(scalars[index + 1]); index += 2
                        continue
                    }
                    if inner == "\\", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                        index += 2 // line continuation inside double quotes
                        continue
                    }
                    if inner == "$" || inner == "`" { expansion = true }
                    out.append(inner); index += 1
                }
                index += 1
            case "\\":
                if index + 1 < scalars.count {
                    if scalars[index + 1] != "\n" { out.append(scalars[index + 1]) }
                    index += 2
                } else {
                    out.append(scalar); index += 1
                }
            case "$", "`":
                expansion = true
                out.append(scalar); index += 1
            default:
                out.append(scalar); index += 1
            }
        }
        return (Word(text: ConfigText.string(out), hasExpansion: expansion), min(index, scalars.count))
    }
}
