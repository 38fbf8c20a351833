/// Which kdump.conf directives each family's tooling accepts, and which stop the service.
///
/// This matters more than it looks: el7+ kdumpctl refuses to start on a "Deprecated kdump config
/// option" (`blacklist`, `options`, `disk_timeout`, …) and on an unknown option, so the
/// el6-era Hyper-V recipe copied onto an el7 guest silently disables kdump altogether.
/// Lists from the reference notes (kexec-tools for el6/el7/el8).
extension KdumpConf {
    /// Directives the family's kdump service understands. el8 still accepts `default` as a
    /// deprecated alias of `failure_action`.
    public static func knownDirectives(_ family: KdumpFamily) -> Set<String> {
        switch family {
        case .el6:
            return ["raw", "nfs", "nfs4", "ssh", "net", "ext2", "ext3", "ext4", "xfs", "btrfs", "minix",
                    "path", "core_collector", "link_delay", "kdump_post", "kdump_pre", "extra_bins",
                    "extra_modules", "blacklist", "options", "default", "disk_timeout", "sshkey",
                    "debug_mem_level", "force_rebuild", "fence_kdump_args", "fence_kdump_nodes"]
        case .el7:
            return el7Known
        case .el8:
            return el7Known.union(["failure_action", "final_action"])
        }
    }

    /// Directives whose mere presence makes the family's kdump service refuse to start
    /// ("Deprecated kdump config option"). el6 has none: its init script only warns about unknown lines.
    /// Note that el7+ also refuse *unknown* directives; check those against `knownDirectives(_:)`.
    public static func fatalDirectives(_ family: KdumpFamily) -> Set<String> {
        switch family {
        case .el6: return []
        case .el7, .el8: return ["blacklist", "options", "disk_timeout", "net", "link_delay", "debug_mem_level"]
        }
    }

    private static let el7Known: Set<String> = [
        "raw", "nfs", "ssh", "sshkey", "ext2", "ext3", "ext4", "xfs", "btrfs", "minix", "path",
        "core_collector", "kdump_post", "kdump_pre", "extra_bins", "extra_modules", "default",
        "force_rebuild", "force_no_rebuild", "dracut_args", "fence_kdump_args", "fence_kdump_nodes",
    ]

    /// Directives in this file that the family's service would reject (fatal or unknown), in file order.
    public func rejectedDirectives(for family: KdumpFamily) -> [Directive] {
        guard family != .el6 else { return [] }
        let known = Self.knownDirectives(family)
        return directives.filter { !known.contains($0.name) }
    }
}
