/// Adds `crashkernel=` to kernel command lines that lack it (profile value `ensure_crashkernel`),
/// line by line, leaving every other byte alone. Lines that already carry a crashkernel= keep it:
/// an image's owner may have sized it on purpose. Every edit takes the parameter's `key`, so
/// `boot_panic` adds `panic=` the same way.
enum CrashkernelEdit {
    /// el6 /boot/grub/grub.conf: every `kernel /vmlinuz-… args` line.
    static func grubLegacy(_ text: String, value: String, key: String = "crashkernel") -> String {
        editLines(text) { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("kernel ") || trimmed.hasPrefix("kernel\t") else { return nil }
            return appendParameter(line, value, key: key)
        }
    }

    /// el7 /boot/grub2/grub.cfg (or the EFI one): every `linux`, `linux16`, `linuxefi` line.
    static func grub2Config(_ text: String, value: String, key: String = "crashkernel") -> String {
        editLines(text) { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard ["linux ", "linux16 ", "linuxefi ", "linux\t", "linux16\t", "linuxefi\t"].contains(where: { trimmed.hasPrefix($0) }) else { return nil }
            return appendParameter(line, value, key: key)
        }
    }

    /// el7+ /etc/default/grub: the last `GRUB_CMDLINE_LINUX="…"`, which grub2-mkconfig copies into
    /// every entry; added when the file has none. A crashkernel= whose value is in `replacing`
    /// (one the release's kernel ignores) is replaced.
    static func defaultGrub(_ text: String, value: String, replacing: Set<String> = [], key: String = "crashkernel") -> String {
        var lines = Self.lines(text)
        if let index = lines.lastIndex(where: { $0.hasPrefix("GRUB_CMDLINE_LINUX=") }) {
            let line = lines[index]
            let raw = String(line.dropFirst("GRUB_CMDLINE_LINUX=".count))
            let quote: Character? = raw.first == "\"" || raw.first == "'" ? raw.first : nil
            let inner = quote != nil && raw.count >= 2 && raw.last == quote ? String(raw.dropFirst().dropLast()) : raw
            guard let edited = inner.isEmpty ? "\(key)=\(value)" : setCrashkernel(inner, value, replacing: replacing, key: key) else { return text }
            lines[index] = "GRUB_CMDLINE_LINUX=\(quote.map(String.init) ?? "\"")\(edited)\(quote.map(String.init) ?? "\"")"
            return lines.joined(separator: "\n")
        }
        let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
        return text + separator + "GRUB_CMDLINE_LINUX=\"\(key)=\(value)\"\n"
    }

    static func appendParameter(_ line: String, _ value: String, key: String = "crashkernel") -> String? {
        guard !KernelCommandLine(String(line)).hasKey(key) else { return nil }
        // By scalars: in Swift "\r\n" is one Character, and a line split at "\n" keeps its "\r".
        var scalars = line.unicodeScalars
        let carriageReturn = scalars.last == "\r"
        if carriageReturn { scalars.removeLast() }
        return String(scalars) + " \(key)=\(value)" + (carriageReturn ? "\r" : "")
    }

    /// `text` (a command line, or a line ending in one) with crashkernel=`value` appended when it
    /// has none, or with each crashkernel= whose value is in `replacing` rewritten in place; nil
    /// when nothing changes. Only the one word changes: spacing and every other byte stay.
    static func setCrashkernel(_ text: String, _ value: String, replacing: Set<String>, key: String = "crashkernel") -> String? {
        let parameters = KernelCommandLine(text).parameters.filter { $0.key == key }
        guard !parameters.isEmpty else { return appendParameter(text, value, key: key) }
        let rejected = Set(parameters.filter { $0.value.map(replacing.contains) ?? false }.map(\.raw))
        guard !rejected.isEmpty else { return nil }
        return replaceWords(text) { rejected.contains($0) ? "\(key)=\(value)" : nil }
    }

    /// Rewrites whole blank-separated words of `text`, keeping the blanks between them.
    static func replaceWords(_ text: String, _ replacement: (String) -> String?) -> String {
        var out = ""
        var word = ""
        func flush() {
            out += replacement(word) ?? word
            word = ""
        }
        for character in text {
            if character == " " || character == "\t" || character == "\r" || character == "\n" {
                flush()
                out.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return out
    }

    static func editLines(_ text: String, _ edit: (String) -> String?) -> String {
        lines(text).map { edit($0) ?? $0 }.joined(separator: "\n")
    }

    /// `text` split at every "\n" scalar, a CRLF line keeping its "\r" (String.split on the
    /// Character "\n" would not split "\r\n", a single Character).
    static func lines(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    }
}
