/// One `key = value` line of a sysctl configuration file.
public struct SysctlAssignment: Sendable, Equatable {
    /// Normalised to dotted form (`kernel/panic` → `kernel.panic`), trimmed, `-` prefix removed.
    public var key: String
    /// Trimmed; quotes are not removed (neither systemd-sysctl nor procps removes them).
    public var value: String
    /// The path the assignment was read through, as given by the caller (for a symlink, the link's path).
    public var file: String
    /// 1-based line number.
    public var line: Int

    public init(key: String, value: String, file: String, line: Int) {
        self.key = key
        self.value = value
        self.file = file
        self.line = line
    }
}

/// The sysctl.conf / sysctl.d file format (procps `sysctl -p` and systemd-sysctl agree on it).
///
/// `kernel.panic` decides whether a panicked VM reboots, and it can be set in several files;
/// parsing each one into located assignments lets `SysctlPrecedence` say which one wins and
/// the report point at the exact file and line.
public enum SysctlConf {
    /// Parses one file. Comments are lines starting (after blanks) with `#` or `;`; there are no
    /// trailing comments (`kernel.panic = 10 # x` sets the value `10 # x`, which the kernel
    /// rejects; reporting it as written lets the audit say so). A leading `-` on the key means
    /// "ignore errors" to systemd and is stripped. Lines without `=` or with an empty key are ignored.
    public static func parse(_ text: String, file: String) -> [SysctlAssignment] {
        var result: [SysctlAssignment] = []
        for line in ConfigText.lines(text) {
            let content = ConfigText.trimmed(line.scalars)
            guard let first = content.first, first != "#", first != ";" else { continue }
            guard let equals = content.firstIndex(of: "=") else { continue }
            var key = ConfigText.trimmed(content[content.startIndex..<equals])
            if key.first == "-" { key = ConfigText.trimmed(key.dropFirst()) }
            guard !key.isEmpty else { continue }
            let value = ConfigText.trimmed(content[(equals + 1)...])
            result.append(SysctlAssignment(
                key: normalizedKey(ConfigText.string(key)),
                value: ConfigText.string(value),
                file: file,
                line: line.number))
        }
        return result
    }

    /// Parses raw guest bytes, replacing invalid UTF-8.
    public static func parse(bytes: [UInt8], file: String) -> [SysctlAssignment] {
        parse(ConfigText.decode(bytes), file: file)
    }

    /// The dotted form of a sysctl name. Like systemd and procps: when the first separator is a
    /// `/`, the name is in path form and `/` and `.` swap (`net/ipv4/conf/eth0.100/x` names the
    /// interface `eth0.100`, dotted `net.ipv4.conf.eth0/100.x`); otherwise it is already dotted.
    public static func normalizedKey(_ key: String) -> String {
        let trimmed = ConfigText.trimmedString(key)
        guard let separator = trimmed.unicodeScalars.first(where: { $0 == "." || $0 == "/" }),
              separator == "/" else { return trimmed }
        return ConfigText.string(trimmed.unicodeScalars.map { $0 == "/" ? "." : $0 == "." ? "/" : $0 })
    }
}
