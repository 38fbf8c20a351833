import Foundation

/// How kdumpbake writes JSON (reports and `--events json`): sorted keys, unescaped slashes, and
/// every character a terminal could act on written as a `\uXXXX` escape.
///
/// JSONEncoder already escapes C0 controls (ESC becomes `\u001b`), but JSON allows DEL and the
/// C1 controls raw, and U+009B is a one-character CSI on a UTF-8 terminal: a report printed to a
/// terminal (`--format json` without `--output`) must not let guest text drive it. They only
/// ever occur inside strings (JSON's own syntax is ASCII), so escaping them keeps the document
/// exactly equivalent: decoding gives back the guest's text byte for byte.
public enum JSONOutput {
    public static func encode(_ value: some Encodable, pretty: Bool) -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard text.unicodeScalars.contains(where: isTerminalControl) else { return data }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isTerminalControl(scalar) {
                escaped.append(contentsOf: String(format: "\\u%04x", scalar.value).unicodeScalars)
            } else {
                escaped.append(scalar)
            }
        }
        return Data(String(escaped).utf8)
    }

    private static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool { (0x7F...0x9F).contains(scalar.value) }
}
