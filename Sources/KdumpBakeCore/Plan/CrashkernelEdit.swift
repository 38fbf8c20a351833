/// Adds `crashkernel=` to kernel command lines that lack it (profile value `ensure_crashkernel`),
/// line by line, leaving every other byte alone. Lines that already carry a crashkernel= keep it:
/// an image's owner may have sized it on purpose.
enum CrashkernelEdit {
    /// el6 /boot/grub/grub.conf: every `kernel /vmlinuz-… args` line.
    static func grubLegacy(_ text: String, value: String) -> String {
        editLines(text) { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("kernel ") || trimmed.hasPrefix("kernel\t") else { return nil }
            return appendParameter(line, value)
        }
    }

    /// el7 /boot/grub2/grub.cfg (or the EFI one): every `linux`, `linux16`, `linuxefi` line.
    static func grub2Config(_ text: String, value: String) -> String {
        editLines(text) { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard ["linux ", "linux16 ", "linuxefi ", "linux\t", "linux16\t", "linuxefi\t"].contains(where: { trimmed.hasPrefix($0) }) else { return nil }
            return appendParameter(line, value)
        }
    }

    /// el7 /etc/default/grub: the last `GRUB_CMDLINE_LINUX="…"`, which grub2-mkconfig copies into
    /// every entry; added when the file has none.
    static func defaultGrub(_ text: String, value: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.lastIndex(where: { $0.hasPrefix("GRUB_CMDLINE_LINUX=") }) {
            let line = lines[index]
            let raw = String(line.dropFirst("GRUB_CMDLINE_LINUX=".count))
            let quote: Character? = raw.first == "\"" || raw.first == "'" ? raw.first : nil
            var inner = quote != nil && raw.count >= 2 && raw.last == quote ? String(raw.dropFirst().dropLast()) : raw
            guard !KernelCommandLine(inner).hasKey("crashkernel") else { return text }
            inner = inner.isEmpty ? "crashkernel=\(value)" : "\(inner) crashkernel=\(value)"
            lines[index] = "GRUB_CMDLINE_LINUX=\(quote.map(String.init) ?? "\"")\(inner)\(quote.map(String.init) ?? "\"")"
            return lines.joined(separator: "\n")
        }
        let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
        return text + separator + "GRUB_CMDLINE_LINUX=\"crashkernel=\(value)\"\n"
    }

    private static func appendParameter(_ line: String, _ value: String) -> String? {
        guard !KernelCommandLine(String(line)).hasKey("crashkernel") else { return nil }
        let body = line.hasSuffix("\r") ? String(line.dropLast()) : line
        return body + " crashkernel=\(value)" + (line.hasSuffix("\r") ? "\r" : "")
    }

    private static func editLines(_ text: String, _ edit: (String) -> String?) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { edit(String($0)) ?? String($0) }
            .joined(separator: "\n")
    }
}
