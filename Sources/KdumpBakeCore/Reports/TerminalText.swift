/// Text made safe to write to a terminal or a text log.
///
/// Much of what kdumpbake prints comes from the guest: kdump.conf lines, the release file's
/// product name, kernel versions taken from directory names under /lib/modules. A guest image is
/// hostile input, and its text can hold terminal control sequences: `ESC ] 0 ; title BEL` retitles
/// the operator's window, `ESC [ 2 J` clears the screen, a carriage return or cursor movement
/// overwrites a `FAIL` with a `PASS`, and on a UTF-8 terminal the C1 code point U+009B is a
/// one-character CSI. Written raw, such text can forge or hide report lines and, on some
/// terminals, do worse (answer-back sequences that type into the shell).
///
/// `escape` shows every such character visibly instead, so the operator sees what the guest
/// holds and the terminal interprets nothing of it:
///
/// - C0 controls U+0000–U+001F, DEL U+007F and C1 controls U+0080–U+009F become `\xNN`, NN
///   being the code point in two lowercase hex digits (`ESC` → `\x1b`, CSI U+009B → `\x9b`).
///   Tab is kept: it only moves the cursor right, to the next tab stop, and cannot overwrite.
///   Line feed is kept only when the caller allows multi-line text (a diff); elsewhere a line
///   feed could start a forged line, so it becomes `\x0a`. Carriage return is always escaped,
///   even in multi-line text: it is how a later part of a line overwrites an earlier one (a
///   CRLF file in a diff shows as `…\x0d` at the end of its lines).
/// - A backslash becomes `\\`. Without that, a guest line holding the four characters `\x1b`
///   would print exactly like one holding a real ESC, and the report could not be trusted to
///   say which; with it, every output reads back to exactly one input (the escaping is
///   injective). Backslashes are rare in what kdumpbake reports, so the doubling costs little.
/// - Everything else passes unchanged: printable ASCII, and all other Unicode, emoji included.
///   Invalid UTF-8 in guest files has already become U+FFFD when the bytes were decoded into a
///   `String`, so no stray byte of an incomplete sequence reaches the terminal either.
///
/// Only terminal and text-log output is escaped. The JSON report needs no help (its encoder
/// writes `\u001b` and friends, and decoding gives back the exact guest text) and the JUnit
/// report keeps its own XML rules.
public enum TerminalText {
    /// `text` with every control character and backslash written as described above.
    /// - Parameter allowingNewlines: keep line feeds (multi-line output such as diffs); when
    ///   false, the result is always a single line.
    public static func escape(_ text: some StringProtocol, allowingNewlines: Bool = false) -> String {
        // Fast path: nothing to escape (the common case for kdumpbake's own words).
        guard text.unicodeScalars.contains(where: { needsEscape($0, allowingNewlines: allowingNewlines) }) else { return String(text) }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out.append(contentsOf: "\\\\".unicodeScalars)
            } else if needsEscape(scalar, allowingNewlines: allowingNewlines) {
                out.append(contentsOf: hex(scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, allowingNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x09: false                   // tab: harmless, kept
        case 0x0A: !allowingNewlines       // line feed: only where the caller allows several lines
        case 0x5C: true                    // backslash: doubled, so `\x1b` in the guest stays distinguishable
        case 0x00...0x1F, 0x7F, 0x80...0x9F: true
        default: false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\x" + (digits.count < 2 ? "0" + digits : digits)
    }
}
