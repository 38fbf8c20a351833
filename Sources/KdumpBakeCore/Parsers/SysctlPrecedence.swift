/// One sysctl configuration file as found in the guest.
public struct SysctlSource: Sendable, Equatable {
    /// The guest path the file was found at, e.g. `/etc/sysctl.d/99-sysctl.conf` (not the
    /// symlink's target: the name decides ordering and masking).
    public var path: String
    /// The file's text after the caller followed symlinks inside the guest; nil when unreadable.
    public var contents: String?
    /// A symlink to /dev/null: contributes nothing but still masks same-named files.
    public var isMasked: Bool

    public init(path: String, contents: String?, isMasked: Bool = false) {
        self.path = path
        self.contents = contents
        self.isMasked = isMasked
    }
}

/// Which sysctl file wins, per family, so the audit reports the value the guest really gets at boot.
///
/// el6 reads only /etc/sysctl.conf. el7/el8 boot with systemd-sysctl, which reads only `*.conf`
/// in the sysctl.d directories: /etc/sysctl.conf is applied at boot *only* through the
/// `/etc/sysctl.d/99-sysctl.conf → ../sysctl.conf` symlink CentOS ships (systemd ≥ 207
/// stopped reading it directly; systemd/systemd#8360). `sysctl --system` (procps) additionally
/// applies /etc/sysctl.conf last; pick `.procpsSystem` to model that instead.
public enum SysctlPrecedence {
    /// Who applies the files.
    public enum Applier: Sendable {
        /// systemd-sysctl.service at boot (el7/el8): sysctl.d only.
        case systemdSysctl
        /// `sysctl --system` (procps): sysctl.d, then /etc/sysctl.conf last.
        case procpsSystem
    }

    public static let sysctlConf = "/etc/sysctl.conf"

    /// Directories to list (for `*.conf` files), highest priority first; empty for el6, whose
    /// only file is `sysctlConf`.
    public static func searchDirectories(_ family: KdumpFamily) -> [String] {
        switch family {
        case .el6: return []
        case .el7, .el8, .kdumpTools, .sles: return ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"]
        }
    }

    /// The sources that are applied, in application order. Masked files, files shadowed by a
    /// same-named file in a higher-priority directory, non-`.conf` and hidden names, paths outside the
    /// search path are dropped; an unreadable (`contents == nil`) file that would be applied is
    /// kept so the caller can report that it could not check it.
    public static func orderedFiles(_ sources: [SysctlSource], family: KdumpFamily,
                                    applier: Applier = .systemdSysctl) -> [SysctlSource] {
        let sysctlConfSource = sources.last { normalizedPath($0.path) == sysctlConf }
        if family == .el6 {
            return sysctlConfSource.flatMap { $0.isMasked ? nil : [$0] } ?? []
        }
        let directories = searchDirectories(family)
        // For each basename, the source from the highest-priority directory.
        var winners: [String: (priority: Int, source: SysctlSource)] = [:]
        for source in sources {
            let path = normalizedPath(source.path)
            guard let slash = path.lastIndex(of: "/") else { continue }
            let directory = path[..<slash].isEmpty ? "/" : String(path[..<slash])
            let name = String(path[path.index(after: slash)...])
            // systemd skips hidden files (`.foo.conf`), as it does editor backups.
            guard name.hasSuffix(".conf"), !name.hasPrefix("."),
                  let priority = directories.firstIndex(of: directory) else { continue }
            if let existing = winners[name], existing.priority <= priority { continue }
            winners[name] = (priority, source)
        }
        var ordered = winners
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map(\.value.source)
            .filter { !$0.isMasked }
        if applier == .procpsSystem, let sysctlConfSource, !sysctlConfSource.isMasked {
            ordered.append(sysctlConfSource)
        }
        return ordered
    }

    /// Every assignment in application order.
    public static func assignments(in sources: [SysctlSource], family: KdumpFamily,
                                   applier: Applier = .systemdSysctl) -> [SysctlAssignment] {
        orderedFiles(sources, family: family, applier: applier).flatMap { source in
            source.contents.map { SysctlConf.parse($0, file: source.path) } ?? []
        }
    }

    /// The assignment that sets `key` last, i.e. the effective one; nil when no applied file sets it.
    /// Its `file` is the path the value was read through (for CentOS 7's symlink,
    /// /etc/sysctl.d/99-sysctl.conf).
    public static func effective(_ key: String, in sources: [SysctlSource], family: KdumpFamily,
                                 applier: Applier = .systemdSysctl) -> SysctlAssignment? {
        let wanted = SysctlConf.normalizedKey(key)
        return assignments(in: sources, family: family, applier: applier).last { $0.key == wanted }
    }

    /// Collapses repeated and trailing slashes so `/etc//sysctl.d/` compares equal to `/etc/sysctl.d`.
    static func normalizedPath(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return "/" + parts.joined(separator: "/")
    }
}
