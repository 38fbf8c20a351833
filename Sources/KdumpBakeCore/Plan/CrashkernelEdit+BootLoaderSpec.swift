/// `ensure_crashkernel` on el8+ (RHEL 8, 9, 10 and rebuilds), where the kernel command line is
/// read from Boot Loader Specification entries, not from a generated grub.cfg (reference
/// L77–87, L143–146):
/// - every `/boot/loader/entries/*.conf` `options` line (what `grubby --update-kernel=ALL` edits);
/// - entries that say `options $kernelopts` (RHEL 8 style) take their parameters from
///   `kernelopts=` in /boot/grub2/grubenv, which is edited instead (what grubby-bls does with
///   grub2-editenv), keeping grubenv one fixed-size block padded with `#`;
/// - `/etc/kernel/cmdline`, from which new kernels get their options, and `GRUB_CMDLINE_LINUX`
///   (`defaultGrub`), which only a later grub2-mkconfig reads.
/// Only lines change; every other byte is kept.
extension CrashkernelEdit {
    /// What one BLS entry needs.
    struct EntryEdit: Equatable {
        /// The entry file's new text, nil when the file itself stays as it is.
        var text: String?
        /// The entry takes crashkernel= from grubenv's `kernelopts`, which must change instead.
        var needsKernelopts: Bool
    }

    /// One entry file: the last literal `options` line gains crashkernel=`value` when the entry's
    /// command line (expanded with `env`) has none; a crashkernel= in `replacing` is rewritten
    /// where it is written — in the entry, or (`needsKernelopts`) in grubenv.
    static func blsEntry(_ text: String, value: String, env: GrubEnv?, replacing: Set<String>, key: String = "crashkernel") -> EntryEdit {
        let entry = BootLoaderSpecEntry.parse(text)
        let expanded = entry.commandLine(env: env).values(of: key)
        if let last = expanded.last, !replacing.contains(last) { return EntryEdit(text: nil, needsKernelopts: false) }
        let lines = Self.lines(text)
        let optionLines = lines.indices.filter { optionsArguments(lines[$0]) != nil }
        if !expanded.isEmpty {
            // A value the kernel ignores: rewrite it in the entry's own lines, if it is there.
            var edited = lines
            var changed = false
            for index in optionLines {
                if let line = setCrashkernel(lines[index], value, replacing: replacing, key: key), KernelCommandLine(lines[index]).hasKey(key) {
                    edited[index] = line
                    changed = true
                }
            }
            if changed { return EntryEdit(text: edited.joined(separator: "\n"), needsKernelopts: false) }
            return EntryEdit(text: nil, needsKernelopts: usesKernelopts(entry.options))
        }
        if usesKernelopts(entry.options) { return EntryEdit(text: nil, needsKernelopts: true) }
        // No options line at all: the entry boots without root= either; left alone (the audit says so).
        guard let index = optionLines.last, let line = appendParameter(lines[index], value, key: key) else {
            return EntryEdit(text: nil, needsKernelopts: false)
        }
        var edited = lines
        edited[index] = line
        return EntryEdit(text: edited.joined(separator: "\n"), needsKernelopts: false)
    }

    /// /etc/kernel/cmdline: one command line, the first non-blank line. An empty file stays
    /// empty (kernel-install would then give new kernels crashkernel= alone, without root=).
    static func kernelCmdline(_ text: String, value: String, replacing: Set<String>, key: String = "crashkernel") -> String {
        var lines = Self.lines(text)
        guard let index = lines.firstIndex(where: { !$0.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }),
              let line = setCrashkernel(lines[index], value, replacing: replacing, key: key) else { return text }
        lines[index] = line
        return lines.joined(separator: "\n")
    }

    /// The arguments of a BLS `options` line; nil for other lines.
    private static func optionsArguments(_ line: String) -> Substring? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("options"), let next = trimmed.dropFirst("options".count).first, next == " " || next == "\t" else { return nil }
        return trimmed.dropFirst("options".count)
    }

    /// `$kernelopts` or `${kernelopts}` in an entry's options.
    static func usesKernelopts(_ options: String) -> Bool {
        options.contains("${kernelopts}") || options.split(whereSeparator: { $0 == " " || $0 == "\t" })
            .contains { $0.hasPrefix("$kernelopts") && !$0.dropFirst("$kernelopts".count).contains(where: { $0.isLetter || $0.isNumber || $0 == "_" }) }
    }
}

/// Why grubenv could not be edited.
enum GrubEnvEditError: Error, Equatable, CustomStringConvertible {
    /// The block has no `kernelopts=` although entries use `$kernelopts`.
    case noKernelopts
    /// The edit needs more bytes than the `#` padding holds: GRUB reads a fixed-size block.
    case full(needed: Int, available: Int)

    var description: String {
        switch self {
        case .noKernelopts:
            "boot entries use $kernelopts but grubenv has no kernelopts= to add crashkernel= to; set crashkernel= in the image"
        case .full(let needed, let available):
            "adding crashkernel= to kernelopts needs \(needed) more bytes but grubenv's padding has \(available): GRUB's environment block has a fixed size; shorten kernelopts or set crashkernel= in the image"
        }
    }
}

/// Edits `kernelopts=` in the GRUB environment block, byte for byte: grubenv is a fixed-size
/// block (1024 bytes as grub2-editenv writes it) of `name=value` lines padded with `#` (L81–82),
/// so the bytes a longer line needs come out of the padding and the size stays the same.
enum GrubEnvEdit {
    /// `bytes` with crashkernel=`value` added to the last `kernelopts=` line (or a crashkernel=
    /// in `replacing` rewritten there); nil when nothing changes.
    static func kernelopts(_ bytes: [UInt8], value: String, replacing: Set<String>, key: String = "crashkernel") throws -> [UInt8]? {
        guard let line = lastLine(named: "kernelopts", in: bytes) else { throw GrubEnvEditError.noKernelopts }
        let name = "kernelopts=".utf8.count
        let old = Array(bytes[(line.lowerBound + name)..<line.upperBound])
        // Values are ASCII in practice; GRUB's `\` escapes stay inside words and are kept.
        guard let text = String(bytes: old, encoding: .utf8),
              let edited = CrashkernelEdit.setCrashkernel(text, value, replacing: replacing, key: key) else { return nil }
        let new = Array(edited.utf8)
        let growth = new.count - old.count
        var padding = trailingPadding(bytes)
        if padding.lowerBound < line.upperBound { padding = bytes.count..<bytes.count }  // no newline before the `#`s
        guard growth <= padding.count else { throw GrubEnvEditError.full(needed: growth, available: padding.count) }
        var result = Array(bytes[..<(line.lowerBound + name)]) + new + Array(bytes[line.upperBound..<padding.lowerBound])
        result += [UInt8](repeating: UInt8(ascii: "#"), count: padding.count - growth)
        return result
    }

    /// The byte range of the last `NAME=…` line, without its newline. A `\` escapes the next
    /// byte (GRUB writes an escaped newline that way), so it never ends the line.
    static func lastLine(named name: String, in bytes: [UInt8]) -> Range<Int>? {
        let prefix = Array((name + "=").utf8)
        var found: Range<Int>?
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            end = min(end, bytes.count)
            if bytes[start...].starts(with: prefix) { found = start..<end }
            start = end + 1
        }
        return found
    }

    /// The run of `#` after the last newline: grub2-editenv's padding.
    static func trailingPadding(_ bytes: [UInt8]) -> Range<Int> {
        var start = bytes.count
        while start > 0, bytes[start - 1] == UInt8(ascii: "#") { start -= 1 }
        // A `#` run that is a whole comment line (the header) is not padding.
        guard start == 0 || bytes[start - 1] == UInt8(ascii: "\n") else { return bytes.count..<bytes.count }
        return start..<bytes.count
    }
}
