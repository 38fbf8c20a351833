/// One bootable kernel as a boot loader configuration describes it, whatever the loader.
///
/// The audit needs the same three facts from grub.conf (el6), grub.cfg (el7) and BLS entries
/// (el8): which kernel boots by default, with which command line (crashkernel=), and which
/// initrd; this one shape lets it ask once.
public struct BootEntry: Sendable, Equatable {
    public var title: String
    /// grub2 `--id` / `$menuentry_id_option`, or the BLS file name without `.conf`.
    public var id: String?
    /// The kernel image path as written (may carry a grub device prefix such as `(hd0,0)`).
    public var kernelPath: String?
    /// From a `vmlinuz-<version>` basename (or BLS `version`); nil when the name has no version.
    public var kernelVersion: String?
    /// The command line as the loader passes it (variables expanded only where the parser could).
    public var commandLineText: String
    public var initrdPaths: [String]
    /// 1-based line of the entry's start in its file.
    public var line: Int
    /// grub2: item indices from the top level (`[1, 0]` = first entry of the second top-level
    /// item, a submenu), as `set default="1>0"` addresses it. Others: `[index]`.
    public var position: [Int]

    public init(title: String, id: String? = nil, kernelPath: String?, kernelVersion: String? = nil,
                commandLineText: String, initrdPaths: [String] = [], line: Int, position: [Int]) {
        self.title = title
        self.id = id
        self.kernelPath = kernelPath
        self.kernelVersion = kernelVersion ?? kernelPath.flatMap(Self.version(fromKernelPath:))
        self.commandLineText = commandLineText
        self.initrdPaths = initrdPaths
        self.line = line
        self.position = position
    }

    /// The parsed command line.
    public var commandLine: KernelCommandLine { KernelCommandLine(commandLineText) }

    /// `/vmlinuz-3.10.0-1160.el7.x86_64` → `3.10.0-1160.el7.x86_64`; nil for other names.
    public static func version(fromKernelPath path: String) -> String? {
        let base = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard base.hasPrefix("vmlinuz-"), base.count > "vmlinuz-".count else { return nil }
        return String(base.dropFirst("vmlinuz-".count))
    }

    /// Joins loader words into a kernel command line. A word containing blanks is wrapped in
    /// double quotes, as GRUB does when it builds the command line, so the kernel still sees one
    /// parameter (`"acpi=off noapic"` → `acpi` = `off noapic`).
    static func joinCommandLine(_ words: [String]) -> String {
        words.map { word in
            word.unicodeScalars.contains(where: ConfigText.isBlank) ? "\"" + word + "\"" : word
        }.joined(separator: " ")
    }
}
