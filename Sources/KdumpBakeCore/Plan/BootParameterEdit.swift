/// Adds kernel parameters to the normal entries of a Debian/Ubuntu /boot/grub/grub.cfg, line by
/// line, every other byte kept. A line that already has a parameter of that name keeps its own
/// value (an image's owner may have sized crashkernel= on purpose). Recovery entries
/// (`… ro single`) are left alone as update-grub leaves them: the distro's parameters go into
/// GRUB_CMDLINE_LINUX_DEFAULT, which recovery entries do not get (L186–190).
enum BootParameterEdit {
    /// `parameters` as `key=value` words, added in order to each normal `linux` line lacking the key.
    static func grubNormalEntries(_ text: String, adding parameters: [String]) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { substring in
            let line = String(substring)
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("linux ") || trimmed.hasPrefix("linux\t") else { return line }
            let current = KernelCommandLine(String(trimmed))
            guard !current.contains("single") else { return line }
            let missing = parameters.filter { !current.hasKey(KernelCommandLine($0).parameters.first?.key ?? $0) }
            guard !missing.isEmpty else { return line }
            let carriageReturn = line.hasSuffix("\r")
            let body = carriageReturn ? String(line.dropLast()) : line
            return body + " " + missing.joined(separator: " ") + (carriageReturn ? "\r" : "")
        }.joined(separator: "\n")
    }
}
