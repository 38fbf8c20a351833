/// How each release reads /etc/kdump.conf, and what makes it refuse the file.
///
/// el6: mkdumprd parses the file (the init script never checks it) and stops with
/// `Unknown parameter  X` (two spaces). el7+: kdumpctl's `check_config` runs first and refuses
/// to start kdump at all. The messages below are the real scripts' (reference), so that a user
/// can search for them; where the reference quotes none, the wording is kdumpbake's and says so.
extension KexecToolsRelease {
    /// What a release treats as a comment.
    public enum CommentRule: Sendable, Equatable {
        /// el6 before 2.0.0-269 (≈6.5): only lines whose first word starts with `#`; a trailing
        /// `# note` is part of the value.
        case wholeLinesOnly
        /// el6 from -269, el7 before 7.7: whole-line comments, and a value is cut at its LAST `#`.
        /// el6 skips a line whose first *word* starts with `#`; el7 only one whose first *column* does.
        case cutAtLastHash
        /// el7.7+ and el8+: a line whose first non-blank is `#` is dropped, values cut at the first `#`.
        case cutAtFirstHash
    }

    public var commentRule: CommentRule {
        switch family {
        case .el6: (el6Release ?? 0) >= 269 ? .cutAtLastHash : .wholeLinesOnly
        case .el7: isEl7_7OrLater ? .cutAtFirstHash : .cutAtLastHash
        case .el8, .kdumpTools, .sles: .cutAtFirstHash
        }
    }

    /// kdump.conf as this release's tools see it: comments removed by its rule. el6 `options`
    /// lines are never stripped (mkdumprd reads them raw when it writes /init).
    public func readKdumpConf(_ text: String) -> KdumpConf {
        let rule = commentRule
        let family = family
        let el7Before7_7 = family == .el7 && rule == .cutAtLastHash
        return KdumpConf.parse(text) { scalars in
            let content = ConfigText.trimmed(scalars)
            guard let first = content.first else { return [] }
            if first == "#" {
                // el7 before 7.7 only knows column-0 comments; an indented one is a line with
                // leading blanks, which 7.5 and 7.6 refuse (see `configProblems`).
                if el7Before7_7, scalars.first != "#" { return scalars[...] }
                return []
            }
            let isOptions = family == .el6 && ConfigText.splitFirstWord(content).word == "options"
            switch rule {
            case .wholeLinesOnly: return scalars[...]
            case _ where isOptions: return scalars[...]
            case .cutAtLastHash: return scalars.lastIndex(of: "#").map { scalars[..<$0] } ?? scalars[...]
            case .cutAtFirstHash: return scalars.firstIndex(of: "#").map { scalars[..<$0] } ?? scalars[...]
            }
        }
    }

    /// Directives this release's tools accept. el6's sets grew and shrank by release (reference:
    /// 6.0 lacks nfs/nfs4/ssh/sshkey (≈6.3) and force_rebuild/debug_mem_level (≈6.2); fence_kdump_*
    /// from ≈6.6; minix gone from -288); el6 also accepts any first word containing ext2/3/4,
    /// xfs or btrfs as a dump target (`isEl6FilesystemTarget`).
    public var acceptedDirectives: Set<String> {
        switch family {
        case .el6:
            let release = el6Release ?? 0
            var names: Set<String> = ["raw", "net", "core_collector", "path", "link_delay", "kdump_post", "kdump_pre",
                                      "extra_bins", "extra_modules", "blacklist", "options", "default", "disk_timeout",
                                      "Kdump_not_supported_on_Xen_domU_guest"]
            if release < 288 { names.insert("minix") }
            if release >= 200 { names.formUnion(["force_rebuild", "debug_mem_level"]) }
            if release >= 245 { names.formUnion(["nfs", "nfs4", "ssh", "sshkey"]) }
            if release >= 282 { names.formUnion(["fence_kdump_nodes", "fence_kdump_args"]) }
            return names
        case .el7, .el8, .kdumpTools, .sles:
            var names: Set<String> = ["raw", "ext2", "ext3", "ext4", "minix", "btrfs", "xfs", "nfs", "ssh", "sshkey", "path",
                                      "core_collector", "kdump_post", "kdump_pre", "extra_bins", "extra_modules", "default",
                                      "force_rebuild", "dracut_args", "fence_kdump_args", "fence_kdump_nodes"]
            // force_no_rebuild arrived with ≈7.4.
            if family == .el8 || version >= KexecToolsVersion(upstream: [2, 0, 14], release: 0) { names.insert("force_no_rebuild") }
            if family == .el8 { names.formUnion(["failure_action", "final_action"]) }
            if family == .el8, isEl9OrLater { names.formUnion(["auto_reset_crashkernel", "virtiofs"]) }
            return names
        }
    }

    /// el7+ kdumpctl: present at all → "Deprecated kdump config option" and kdump never starts.
    /// Unchanged from RHEL 7.0 to 10.
    public var deprecatedDirectives: Set<String> { Self.deprecatedDirectives(family) }

    /// The same for a family (the list has not changed between releases of one).
    public static func deprecatedDirectives(_ family: KdumpFamily) -> Set<String> {
        family == .el6 ? [] : ["net", "options", "link_delay", "disk_timeout", "debug_mem_level", "blacklist"]
    }

    /// Directives that name where the dump goes; el7+ allow one.
    public var dumpTargetDirectives: Set<String> {
        switch family {
        case .el6: ["raw", "net", "nfs", "nfs4", "ssh", "minix"]
        case .el7, .el8, .kdumpTools, .sles: isEl9OrLater ? ["raw", "nfs", "ssh", "ext2", "ext3", "ext4", "minix", "btrfs", "xfs", "virtiofs"]
                                       : ["raw", "nfs", "ssh", "ext2", "ext3", "ext4", "minix", "btrfs", "xfs"]
        }
    }

    /// el7+ `default` (el8+: also `failure_action`) actions.
    var failureActions: Set<String> { ["reboot", "halt", "poweroff", "shell", "dump_to_rootfs"] }

    /// el6 mkdumprd takes any first word containing `ext2`, `ext3`, `ext4`, `xfs` or `btrfs`
    /// (an unanchored match) as a filesystem dump target.
    static func isEl6FilesystemTarget(_ name: String) -> Bool {
        ["ext2", "ext3", "ext4", "xfs", "btrfs"].contains { name.contains($0) }
    }

    var isEl9OrLater: Bool { family == .el8 && distroVersion.major >= 9 }

    /// The built-in template written as /etc/kdump.conf: el6's dialect (blacklist, options,
    /// disk_timeout) or kdumpctl's (dracut_args; the rest goes on the capture command line).
    public var kdumpConfTemplate: String {
        moduleLoading == .initInsmodLines ? "kdump-el6.conf.mustache" : "kdump-el7.conf.mustache"
    }

}
