// Shared checks and generators for the properties: substring search on scalars and bytes
// (linear, so hostile inputs stay cheap in a debug build), physical lines, blank handling as
// the guest's tools define it, and the alphabets the round-trip properties draw text from.

import PropertyBased

/// Small helpers the properties share to state "a found value is really in the input".
///
/// Comparisons are on Unicode scalars, never `String`/`Character`: the parsers work on scalars,
/// and `String.contains` compares grapheme clusters, so a word the parser correctly cut
/// between a blank and a combining accent would wrongly look absent.
enum Invariants {
    static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    /// Whether `needle` occurs contiguously in `haystack`. Knuth–Morris–Pratt, so a hostile
    /// input (a 20,000-scalar run of `a`) stays linear even in a debug build.
    static func contains<N: Sequence<Unicode.Scalar>>(_ haystack: [Unicode.Scalar], _ needle: N) -> Bool {
        contains(haystack.map(\.value), needle.map(\.value))
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        contains(haystack.map(UInt32.init), needle.map(UInt32.init))
    }

    static func contains(_ haystack: [UInt32], _ needle: [UInt32]) -> Bool {
        guard !needle.isEmpty else { return true }
        // failure[i]: length of the longest proper border of needle[0...i].
        var failure = [Int](repeating: 0, count: needle.count)
        var border = 0
        for index in 1..<max(1, needle.count) {
            while border > 0, needle[index] != needle[border] { border = failure[border - 1] }
            if needle[index] == needle[border] { border += 1 }
            failure[index] = border
        }
        var matched = 0
        for value in haystack {
            while matched > 0, value != needle[matched] { matched = failure[matched - 1] }
            if value == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }

    /// The physical lines of `text` split on LF only (no CR handling): 1-based line `n` is
    /// `lines[n - 1]`. Independent of `ConfigText.lines`, which is under test.
    static func physicalLines(_ text: String) -> [[Unicode.Scalar]] {
        scalars(text).split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
    }

    /// The blank characters of the guest's shells: space, tab, CR, VT, FF.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        [" ", "\t", "\r", "\u{0B}", "\u{0C}"].contains(scalar)
    }

    static func isTrimmed(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        return !isBlank(first) && !isBlank(last)
    }

    static func isStrictlyIncreasing(_ values: [Int]) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
    }
}

/// Generators of structured text for the round-trip properties.
enum TextGen {
    /// Strings of `count` scalars drawn from `alphabet`; they shrink towards `alphabet[0]`.
    static func string(_ alphabet: [Unicode.Scalar], count: ClosedRange<Int>) -> Generator<String, some SendableSequenceType> {
        Gen<Int>.value(in: 0...alphabet.count - 1).array(of: count).map { indices in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: indices.map { alphabet[$0] })
            return String(view)
        }
    }

    static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    static let lowercase = scalars("abcdefghijklmnopqrstuvwxyz")
    static let identifier = scalars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")
    /// Word characters with no meaning to any format here (no blanks, quotes, `#`, `$`, `\`).
    static let plainWord = scalars("abcxyzABC019_-./:,@+%")
    /// Anything, including the characters every format treats specially, newlines, NUL,
    /// non-ASCII and a combining accent.
    static let anything = scalars("ab Z09\t\n\r\u{0B}\u{0C}\"'\\$`#=;{}-_/.,\u{0}\u{7F}\u{E9}\u{301}\u{FFFD}\u{1F600}\u{2028}")
}
