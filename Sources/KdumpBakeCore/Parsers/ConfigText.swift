/// Line and character helpers shared by the configuration-file parsers.
///
/// Every parser here reads files copied out of an untrusted guest image, so they all work on
/// Unicode scalars rather than `Character`s: a grapheme cluster can swallow a quote or `#`
/// (`"` followed by a combining accent is one `Character`), and `"\r\n"` is a single `Character`,
/// which would make naive line splitting and quote matching disagree with the guest's own tools
/// (shell, kdumpctl, systemd), which all work on bytes.
enum ConfigText {
    /// One physical line: its 1-based number and its scalars, without the line terminator.
    struct Line {
        var number: Int
        var scalars: [Unicode.Scalar]
    }

    /// Decodes guest bytes as UTF-8, replacing invalid sequences with U+FFFD instead of failing:
    /// a stray Latin-1 byte in a comment must not hide the directives around it.
    static func decode(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Splits text into lines on LF; a CR just before the LF (CRLF, as left by Windows editors)
    /// is dropped. A lone CR is kept as an ordinary character, as the guest's tools do.
    static func lines(_ text: String) -> [Line] {
        var result: [Line] = []
        var current: [Unicode.Scalar] = []
        var number = 1
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if current.last == "\r" { current.removeLast() }
                result.append(Line(number: number, scalars: current))
                current = []
                number += 1
            } else {
                current.append(scalar)
            }
        }
        if current.last == "\r" { current.removeLast() }
        if !current.isEmpty { result.append(Line(number: number, scalars: current)) }
        return result
    }

    /// Blank characters as the guest's shells and parsers see them (space, tab, CR, VT, FF).
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    static func trimmed<C: Collection>(_ scalars: C) -> ArraySlice<Unicode.Scalar> where C.Element == Unicode.Scalar {
        let array = Array(scalars)
        var start = 0, end = array.count
        while start < end, isBlank(array[start]) { start += 1 }
        while end > start, isBlank(array[end - 1]) { end -= 1 }
        return array[start..<end]
    }

    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    static func trimmedString(_ text: String) -> String {
        string(trimmed(text.unicodeScalars))
    }

    /// Splits on runs of blanks, without any quoting.
    static func fields<C: Collection>(_ scalars: C) -> [String] where C.Element == Unicode.Scalar {
        var result: [String] = []
        var current: [Unicode.Scalar] = []
        for scalar in scalars {
            if isBlank(scalar) {
                if !current.isEmpty { result.append(string(current)); current = [] }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { result.append(string(current)) }
        return result
    }

    /// The first blank-separated word and the trimmed rest of the line.
    static func splitFirstWord(_ scalars: ArraySlice<Unicode.Scalar>) -> (word: String, rest: ArraySlice<Unicode.Scalar>) {
        var index = scalars.startIndex
        while index < scalars.endIndex, !isBlank(scalars[index]) { index += 1 }
        return (string(scalars[scalars.startIndex..<index]), trimmed(scalars[index...]))
    }
}
