/// The kernel command line update-grub will write, from /etc/default/grub and then every
/// /etc/default/grub.d/*.cfg in name order (Debian and Ubuntu source them in that order, L192–193).
///
/// The files are shell; they are read without running them (`ShellAssignments`). Only the two
/// variables that reach the `linux` lines are followed, including the idiom the drop-ins use,
/// `GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=…"` (kdump-tools.cfg,
/// L186–188), so a later file that assigns without `$…` is seen to drop what earlier ones added.
public struct GrubDefaults: Sendable, Equatable {
    public static let linux = "GRUB_CMDLINE_LINUX"
    public static let linuxDefault = "GRUB_CMDLINE_LINUX_DEFAULT"

    /// Both variables after every file, as update-grub would see them.
    public var values: [String: String] = [:]
    /// Where each was last assigned (`path:line`), for messages.
    public var lastAssignment: [String: String] = [:]
    /// A value used an expansion other than the two variables (`$(…)`, another variable): the
    /// result may differ from the guest's.
    public var isUncertain = false

    /// `files` in sourcing order: (path, text).
    public init(files: [(path: String, text: String)]) {
        for (path, text) in files {
            for assignment in ShellAssignments.parse(text).assignments where [Self.linux, Self.linuxDefault].contains(assignment.name) {
                var value = assignment.value
                for name in [Self.linuxDefault, Self.linux] {  // the longer name first: one is a prefix of the other
                    let current = values[name] ?? ""
                    value = value.replacing("${\(name)}", with: current).replacing("$\(name)", with: current)
                }
                if value.contains("$") || value.contains("`") { isUncertain = true }
                values[assignment.name] = value
                lastAssignment[assignment.name] = "\(path):\(assignment.line)"
            }
        }
    }

    /// The parameters of the normal (non-recovery) entries: both variables (L186–190).
    public var normalEntryCommandLine: KernelCommandLine {
        KernelCommandLine([values[Self.linux] ?? "", values[Self.linuxDefault] ?? ""].joined(separator: " "))
    }

    /// The files in the order update-grub sources them, from what the reader found.
    public static func sourcingOrder(_ paths: some Sequence<String>) -> [String] {
        let dropIns = paths.filter { $0.hasPrefix(KdumpToolsPaths.grubDefaultsDirectory + "/") && $0.hasSuffix(".cfg") }.sorted()
        return [GuestPaths.defaultGrub] + dropIns
    }
}
