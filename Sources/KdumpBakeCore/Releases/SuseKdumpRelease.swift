/// Everything kdumpbake knows about one generation of SUSE's `kdump` package (SLES 12 SP5,
/// SLES 15 SPx): where its kdump initrd lives, how an offline build must call its mkdumprd, what
/// its configuration defaults to, and when its service rebuilds the initrd. Facts:
/// ../shared/reference/kdump-other-families.md, SLES section (cited as L<line>).
public struct SuseKdumpRelease: Sendable, Equatable {
    /// The package's line, which decides the rules (L273–277).
    public enum Generation: String, Sendable, Equatable, Comparable {
        /// 0.8.x: SLES 12 (SP5's exact build unverified).
        case v0_8 = "0.8"
        /// 0.9.x: SLES 15 SP0–SP3 (2018–2021; the SP mapping is derived from the dates).
        case v0_9 = "0.9"
        /// 1.0.2: SLE-15-SP4 and SP5 branches.
        case v1_0 = "1.0"
        /// 2.0.x, the shell rewrite: SLE-15-SP6 and SP7.
        case v2_0 = "2.0"

        public static func < (lhs: Generation, rhs: Generation) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var generation: Generation
    public var distroVersion: DistroVersion

    public init(distroVersion: DistroVersion) {
        self.distroVersion = distroVersion
        switch (distroVersion.major, distroVersion.minor) {
        case (..<15, _): generation = .v0_8
        case (15, 0...3): generation = .v0_9
        case (15, 4...5): generation = .v1_0
        default: generation = .v2_0
        }
    }

    public var summary: String {
        "kdump \(generation.rawValue).x as shipped with SLES \(distroVersion.major) SP\(distroVersion.minor) (from the distro version)"
    }

    // MARK: - Rules

    /// 2.0 keeps one initrd, /var/lib/kdump/initrd, for the kernel /var/lib/kdump/kernel points at
    /// (L315–318); earlier lines one per kernel, /boot/initrd-KVER-kdump (L309).
    public func initrdPath(kernel: String) -> String {
        generation == .v2_0 ? Self.singleInitrdPath : Self.perKernelInitrdPath(kernel)
    }

    /// ≤1.0's initrd of `kernel`; the reader looks for both forms, whatever the release.
    public static func perKernelInitrdPath(_ kernel: String) -> String { "/boot/initrd-\(kernel)-kdump" }
    /// 2.0's one initrd.
    public static let singleInitrdPath = "/var/lib/kdump/initrd"

    /// False on 2.0: its one initrd serves the default kernel only.
    public var initrdPerKernel: Bool { generation != .v2_0 }

    /// `mkdumprd -f -k KVER`: always with `-k`, because without it the kernel comes from
    /// `kdumptool find_kernel`, which tries `uname -r` first (≤1.0.2) — in the appliance, the
    /// appliance's kernel (L334–336). `-f` rebuilds even when the initrd looks current.
    public func mkdumprdArguments(mkdumprd: String, kernel: String) -> [String] {
        [mkdumprd, "-f", "-k", kernel]
    }

    /// `KDUMP_SAVEDIR` as shipped: a URL before 2.0, a path from 2.0 (L280–282). Both name the
    /// same directory; `savedDirectory` compares them.
    public var defaultSaveDirectory: String { generation == .v2_0 ? "/var/crash" : "file:///var/crash" }

    /// The directory a `KDUMP_SAVEDIR` value names: `file:///var/crash` and `/var/crash` alike;
    /// nil for other schemes (ssh://, nfs://), which dump elsewhere.
    public static func savedDirectory(_ value: String) -> String? {
        if value.hasPrefix("file://") { return String(value.dropFirst("file://".count)) }
        return value.hasPrefix("/") ? value : nil
    }

    /// What the service compares with the initrd's age: it rebuilds when /etc/sysconfig/kdump is
    /// newer (L310–311, L317), and never for hardware: an initrd built in the appliance is kept,
    /// so the Azure drivers must be inside it (L321–322).
    public static let rebuildInputs = ["/etc/sysconfig/kdump"]

    /// The reservation written when the profile says `any`: explicit sizes, high and low, as
    /// Azure's SLES guide writes them (L296–301) — never a calibration, which in the appliance
    /// measures the appliance (L304–305).
    public static let defaultCrashkernel = ["228M,high", "72M,low"]

    /// The drop-in that names the Azure drivers for every dracut run, mkdumprd's included
    /// (azure-docs, L127–129, L334–337).
    public static let dracutDropIn = "/etc/dracut.conf.d/99-kdumpbake-azure.conf"
}
