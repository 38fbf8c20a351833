import KdumpBakeCore
import Guestfs

/// SELinux labels for files kdumpbake creates. Debian's libguestfs lacks `selinux_relabel`, so a
/// new file takes the `security.selinux` label of a sibling of the same kind (the label policy
/// gives files in one directory), and only when none can be found does the guest relabel itself
/// at first boot (`/.autorelabel`, slow: the report says so).
struct SELinuxLabels {
    static let attribute = "security.selinux"
    let handle: GuestfsHandle

    /// The label of the first other file in `path`'s directory whose name satisfies `matching`.
    func label(siblingOf path: String, matching: (String) -> Bool) throws -> [UInt8]? {
        let parts = GuestPath(path)
        guard try handle.isDirectory(parts.directory) else { return nil }
        for name in try handle.list(parts.directory).sorted() where name != parts.name && !name.hasPrefix(".kdumpbake-") && matching(name) {
            if let label = try handle.extendedAttribute(Self.attribute, of: "\(parts.directory)/\(name)") { return label }
        }
        return nil
    }

    /// Whether the guest boots with SELinux (enforcing or permissive) per /etc/selinux/config,
    /// read like every other guest file (`GuestFactsReader.smallText`): resolved inside the
    /// guest and size-checked on what a symlink points to, not on the link. A config that is
    /// missing, masked, not a regular file or too large to be one means no SELinux.
    func guestUsesSELinux() throws -> Bool {
        guard let config = try GuestFactsReader.smallText(Self.configPath, on: handle) else { return false }
        let mode = ShellAssignments.parse(config).value("SELINUX")
        return mode == "enforcing" || mode == "permissive"
    }

    static let configPath = "/etc/selinux/config"
}
