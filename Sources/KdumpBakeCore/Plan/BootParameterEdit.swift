/// Adds kernel parameters (`key=value` words) to boot configuration, line by line, every other
/// byte kept. A command line that already has a parameter of that name keeps its own value (an
/// image's owner may have sized crashkernel= on purpose).
enum BootParameterEdit {
    /// Debian/Ubuntu /boot/grub/grub.cfg: the normal entries. Recovery entries (`… ro single`)
    /// are left alone as update-grub leaves them: the distro's parameters go into
    /// GRUB_CMDLINE_LINUX_DEFAULT, which recovery entries do not get (L186–190).
    static func grubNormalEntries(_ text: String, adding parameters: [String]) -> String {
        grubLinuxLines(text, adding: parameters, skipRecovery: true)
    }

    /// Every `linux`/`linuxefi`/`linux16` line of a generated grub.cfg.
    static func grubLinuxLines(_ text: String, adding parameters: [String], skipRecovery: Bool) -> String {
        editLines(text) { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard ["linux", "linuxefi", "linux16"].contains(where: { trimmed.hasPrefix($0 + " ") || trimmed.hasPrefix($0 + "\t") }) else { return nil }
            let current = KernelCommandLine(String(trimmed))
            if skipRecovery, current.contains("single") { return nil }
            return append(missing(parameters, in: current), to: line)
        }
    }

    /// /etc/default/grub: the last `NAME="…"` gains what it lacks; added when the file has none.
    static func shellVariable(_ text: String, _ name: String, adding parameters: [String]) -> String {
        var lines = CrashkernelEdit.lines(text)
        guard let index = lines.lastIndex(where: { $0.hasPrefix(name + "=") }) else {
            let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
            return text + separator + "\(name)=\"\(parameters.joined(separator: " "))\"\n"
        }
        let raw = String(lines[index].dropFirst(name.count + 1))
        let quote: Character? = raw.first == "\"" || raw.first == "'" ? raw.first : nil
        let inner = quote != nil && raw.count >= 2 && raw.last == quote ? String(raw.dropFirst().dropLast()) : raw
        let absent = missing(parameters, in: KernelCommandLine(inner))
        guard !absent.isEmpty else { return text }
        let value = ([inner].filter { !$0.isEmpty } + absent).joined(separator: " ")
        let mark = quote.map(String.init) ?? "\""
        lines[index] = "\(name)=\(mark)\(value)\(mark)"
        return lines.joined(separator: "\n")
    }

    private static func missing(_ parameters: [String], in line: KernelCommandLine) -> [String] {
        parameters.filter { !line.hasKey(KernelCommandLine($0).parameters.first?.key ?? $0) }
    }

    private static func append(_ words: [String], to line: String) -> String? {
        guard !words.isEmpty else { return nil }
        // By scalars: a CRLF line keeps its "\r", which must stay last.
        var scalars = line.unicodeScalars
        let carriageReturn = scalars.last == "\r"
        if carriageReturn { scalars.removeLast() }
        return String(scalars) + " " + words.joined(separator: " ") + (carriageReturn ? "\r" : "")
    }

    private static func editLines(_ text: String, _ edit: (String) -> String?) -> String {
        CrashkernelEdit.editLines(text, edit)
    }
}
