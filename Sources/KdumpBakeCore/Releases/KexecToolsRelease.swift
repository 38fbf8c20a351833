/// Everything kdumpbake knows about one release of Red Hat's kexec-tools: where its kdump
/// initrd lives, how an offline rebuild must call its mkdumprd, which kdump.conf directives it
/// accepts and how it rejects the others, how it strips comments, how it keeps a module out of
/// the capture kernel, and when its service throws a baked initrd away.
///
/// This is the one place that knows releases: checks, the planner and the reports ask it rather
/// than branching on the family. The rules come from Red Hat's own scripts, read line by line
/// (../shared/reference/kexec-tools-real.md for el6/el7, kdump-other-families.md for el8+).
/// Adding a release or a family means adding its rules here and their tests.
///
/// A kdump-tools guest (Debian, Ubuntu) or a SLES guest has no kexec-tools rules: `CheckContext` builds a value
/// of this type for every profile, but for that family nothing asks it — `KdumpToolsRelease`
/// or `SuseKdumpRelease` answers instead — and the switches below group it with el8 only to stay exhaustive.
public struct KexecToolsRelease: Sendable, Equatable {
    /// Where the release was learnt from; findings say which, because the distro version is
    /// only a proxy for the package that actually decides the behaviour.
    public enum Source: Sendable, Equatable {
        /// The guest's installed kexec-tools package (its rpm database).
        case package(KexecToolsVersion)
        /// The distro's minor version, mapped to the kexec-tools release it shipped.
        case distroVersion(DistroVersion)
    }

    public var family: KdumpFamily
    /// The kexec-tools version whose rules apply (for a distro version: the one it shipped,
    /// approximate where Red Hat's sources for that minor are not public).
    public var version: KexecToolsVersion
    public var source: Source
    /// The guest's distro version. el8-family rules that changed with the major (RHEL 9's new
    /// directives) key on it: RHEL 8.9 and 9.3 ship the same upstream kexec-tools version.
    public var distroVersion: DistroVersion
    /// RHEL 10+: the installed kdump-utils package (kdumpctl and mkdumprd moved out of
    /// kexec-tools into it, reference L9–10), when the rpm database records one. Only rules that
    /// changed inside kdump-utils key on it (the default crashkernel, L62–64).
    public var kdumpUtils: KexecToolsVersion?

    public init(family: KdumpFamily, version: KexecToolsVersion, source: Source, distroVersion: DistroVersion,
                kdumpUtils: KexecToolsVersion? = nil) {
        self.family = family
        self.version = version
        self.source = source
        self.distroVersion = distroVersion
        self.kdumpUtils = kdumpUtils
    }

    /// The release of a guest: its kexec-tools package when the rpm database could be read,
    /// else its distro version. `kdumpUtils` is the guest's kdump-utils package (RHEL 10+).
    public static func resolve(family: KdumpFamily, distroVersion: DistroVersion, package: KexecToolsVersion?,
                               kdumpUtils: KexecToolsVersion? = nil) -> KexecToolsRelease {
        let kdumpUtils = family == .el8 && distroVersion.major >= 10 ? kdumpUtils : nil
        if let package, Self.belongs(package, to: family) {
            return KexecToolsRelease(family: family, version: package, source: .package(package), distroVersion: distroVersion,
                                     kdumpUtils: kdumpUtils)
        }
        return KexecToolsRelease(family: family, version: shipped(family: family, distroVersion: distroVersion),
                                 source: .distroVersion(distroVersion), distroVersion: distroVersion, kdumpUtils: kdumpUtils)
    }

    /// Words for findings: "kexec-tools 2.0.0-258 (from the guest's rpm database)" or
    /// "kexec-tools ≈2.0.0-258 as shipped with release 6.4 (from the distro version; …)".
    /// RHEL 10 names kdump-utils, whose scripts decide there.
    public var summary: String {
        if family == .el8, distroVersion.major >= 10 {
            let tools = kdumpUtils.map { "kdump-utils \($0) (from the guest's rpm database)" }
                ?? "kdump-utils of release \(distroVersion) (from the distro version; which kdump-utils RHEL 10.x ships is not public, rules of kdump-utils ≥1.0.53 assumed)"
            return tools + ", RHEL \(distroVersion.major) rules"
        }
        let rules = family == .el8 ? ", RHEL \(distroVersion.major) rules" : ""
        switch source {
        case .package(let package): return "kexec-tools \(package) (from the guest's rpm database)\(rules)"
        case .distroVersion(let distro):
            return "kexec-tools ≈\(version) as shipped with release \(distro) (from the distro version; no kexec-tools record in an rpm database)\(rules)"
        }
    }

    /// A package from another generation (an el7 kexec-tools on a guest that says 6.x) says
    /// nothing reliable about this family's rules: fall back to the distro version.
    static func belongs(_ package: KexecToolsVersion, to family: KdumpFamily) -> Bool {
        switch family {
        case .el6: package.upstream.starts(with: [2, 0, 0]) || package.upstream.starts(with: [1])
        case .el7: package.upstream.first == 2 && package < KexecToolsVersion(upstream: [2, 0, 16], release: 0)
        case .kdumpTools, .sles: false
        case .el8: package >= KexecToolsVersion(upstream: [2, 0, 16], release: 0) || (package.upstream.first ?? 0) > 2
        }
    }

    /// The kexec-tools each minor shipped. Known from Red Hat's public tags: 6.3 -245, 6.4 -258,
    /// 6.5 -273, 6.8 -300, 6.10 -310, 7.5 2.0.15-13, 7.6 -21, 7.7 -33, 7.9 -51. The others are
    /// placed between their neighbours (marked ≈ in the reference): exact enough for rules that
    /// change at the known tags.
    static func shipped(family: KdumpFamily, distroVersion: DistroVersion) -> KexecToolsVersion {
        let minor = distroVersion.minor
        switch family {
        case .el6:
            let table = [0: 100, 1: 150, 2: 200, 3: 245, 4: 258, 5: 273, 6: 282, 7: 285, 8: 300, 9: 306, 10: 310]
            return KexecToolsVersion(upstream: [2, 0, 0], release: table[min(minor, 10)] ?? 310)
        case .el7:
            guard minor >= 5 else { return KexecToolsVersion(upstream: [2, 0, minor >= 4 ? 14 : 7], release: 0) }
            let table = [5: 13, 6: 21, 7: 33, 8: 41, 9: 51]
            return KexecToolsVersion(upstream: [2, 0, 15], release: table[min(minor, 9)] ?? 51)
        case .el8, .kdumpTools, .sles:
            // Public tags (reference L7–9): 8.8 2.0.25-5, 8.9 2.0.26-8, 9.2 2.0.25-13, 9.3 2.0.26-8.
            // No source for 8.0–8.7, 9.0, 9.1, 9.4+ (L12): those take the nearest known tag, which is
            // only a label — el8+ rules key on the distro major/minor, because 8.9 and 9.3 ship the
            // same upstream version. RHEL 10: kdumpctl lives in kdump-utils (`kdumpUtils`); its
            // kexec-tools version is unknown and decides nothing, the newest known tag stands in.
            switch distroVersion.major {
            case ...8: return minor >= 9 ? KexecToolsVersion(upstream: [2, 0, 26], release: 8) : KexecToolsVersion(upstream: [2, 0, 25], release: 5)
            case 9: return minor >= 3 ? KexecToolsVersion(upstream: [2, 0, 26], release: 8) : KexecToolsVersion(upstream: [2, 0, 25], release: 13)
            default: return KexecToolsVersion(upstream: [2, 0, 26], release: 8)
            }
        }
    }

    // MARK: - Release boundaries (one name per rule change, used by the rule files)

    /// el6 release number, or nil on other families.
    var el6Release: Int? { family == .el6 ? version.release : nil }

    /// el7: 2.0.15-N from 7.5; earlier el7 releases shipped older upstream versions.
    func el7AtLeast(_ release: Int) -> Bool {
        family == .el7 && version >= KexecToolsVersion(upstream: [2, 0, 15], release: release)
    }

    /// RHEL 7.5 (2.0.15-8): the "No whitespaces are allowed" check and the last-`#` comment cut.
    var isEl7_5OrLater: Bool { el7AtLeast(8) }
    /// RHEL 7.6 (2.0.15-21): rebuild when lsmod differs from the initrd's recorded module list.
    var isEl7_6OrLater: Bool { el7AtLeast(21) }
    /// RHEL 7.7 (2.0.15-33): comments start at the first `#`; the hardware check looks at the
    /// dump target's drivers only.
    var isEl7_7OrLater: Bool { el7AtLeast(33) }
    /// 7.8 and 7.9 (2.0.15-41, -51): no public source; the newest verified rules (7.7) are assumed.
    var isBeyondVerifiedEl7: Bool { el7AtLeast(34) }
}

extension KexecToolsRelease {
    /// How this release keeps a module out of the capture kernel and gives modules options.
    public enum ModuleLoading: Sendable, Equatable {
        /// el6: the generated /init insmods each module; `blacklist` (exact file-name match)
        /// leaves a module's line out, `options` (column 0, spaces) extend it. The .ko stays inside.
        case initInsmodLines
        /// el7+: dracut loads modules by udev; `rd.driver.blacklist=a,b` and `module.param=value`
        /// on the capture command line (KDUMP_COMMANDLINE_APPEND) act at boot, `-`/`_` alike.
        case captureCommandLine
    }

    public var moduleLoading: ModuleLoading { Self.moduleLoading(family) }

    /// The same for a family, where no guest (and so no release) is known yet: profiles, templates.
    /// It changes between families only, never between releases of one.
    public static func moduleLoading(_ family: KdumpFamily) -> ModuleLoading {
        family == .el6 ? .initInsmodLines : .captureCommandLine
    }
}
