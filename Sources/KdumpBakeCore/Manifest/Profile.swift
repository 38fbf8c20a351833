/// One profile of a manifest: which guests it applies to, and what they must look like.
public struct Profile: Equatable, Sendable {
    public var name: String
    public var description: String
    /// The kdump tooling generation the profile targets (file names, directives, sysctl rules).
    public var family: KdumpFamily
    public var match: ProfileMatch
    /// Only chosen when named explicitly (`--profile NAME`), never by matching: for recipes that
    /// are right only on some hosts (the el7 legacy-host recipe).
    public var optIn: Bool
    public var values: ProfileValues
    /// What `patch` does with the kdump initrd.
    public var initrd: InitrdPolicy
    /// Which installed kernels get a kdump initrd.
    public var kernels: KernelSelection
    /// At most this many of them, the newest: a hostile or neglected guest with hundreds of
    /// kernels cannot make one patch run for days (`max_kernels`; the rest are reported).
    public var maxKernels: Int
    /// How each configuration file is written.
    public var files: FileStrategies
    /// `kdump: disabled` makes a panic-only profile: for images whose hardening forbids kdump
    /// (the STIG rule `service_kdump_disabled`), only `kernel.panic` and `panic=` are written and
    /// kdump is left as it is; the audit says so instead of failing the kdump checks.
    public var kdump: KdumpPolicy = .enabled

    public init(name: String, description: String = "", family: KdumpFamily, match: ProfileMatch, optIn: Bool = false,
                values: ProfileValues, initrd: InitrdPolicy = .rebuild, kernels: KernelSelection = .all,
                maxKernels: Int = Profile.defaultMaxKernels, files: FileStrategies = FileStrategies()) {
        self.name = name
        self.description = description
        self.family = family
        self.match = match
        self.optIn = optIn
        self.values = values
        self.initrd = initrd
        self.kernels = kernels
        self.maxKernels = maxKernels
        self.files = files
    }
}

/// How patch writes each file (`files:` in a profile).
public struct FileStrategies: Equatable, Sendable {
    public enum Strategy: String, Equatable, Sendable, CaseIterable {
        /// The whole file is the rendered template.
        case replace
        /// A marked block holds the rendered settings; the same keys elsewhere are commented out.
        case managedBlock = "managed-block"
    }

    /// /etc/kdump.conf: `replace` (default) or `managed-block`, which keeps other directives
    /// (a site's dump target, kdump_post hooks) and comments out the ones the block sets.
    public var kdumpConf: Strategy = .replace
    /// el6 /etc/sysctl.conf: `managed-block` (default) or `replace`. On el7+ kernel.panic always
    /// goes to its own sysctl.d file, which wins the precedence.
    public var sysctl: Strategy = .managedBlock

    public init(kdumpConf: Strategy = .replace, sysctl: Strategy = .managedBlock) {
        self.kdumpConf = kdumpConf
        self.sysctl = sysctl
    }
}

/// Which guests a profile applies to.
public struct ProfileMatch: Equatable, Sendable {
    /// libguestfs distro ids: `centos`, `rhel`, `oraclelinux`, `scientificlinux`, `rocky`, `almalinux`…
    public var distros: [String]
    public var versions: VersionRange
    /// Architectures; empty means any.
    public var architectures: [String]

    public init(distros: [String], versions: VersionRange, architectures: [String] = []) {
        self.distros = distros
        self.versions = versions
        self.architectures = architectures
    }

    public func matches(distro: String, version: DistroVersion, arch: String) -> Bool {
        distros.contains(distro) && versions.contains(version)
            && (architectures.isEmpty || architectures.contains(arch))
    }
}

public enum KdumpPolicy: String, Equatable, Sendable, CaseIterable {
    /// The profile sets kdump up (the default).
    case enabled
    /// Panic-only: reboot after a panic without a dump; kdump is neither configured nor enabled.
    case disabled
}

public enum InitrdPolicy: String, Equatable, Sendable, CaseIterable {
    /// Rebuild with the guest's mkdumprd inside the appliance, then verify the module list.
    case rebuild
    /// Remove stale kdump initrds so the kdump service rebuilds them on first boot.
    case invalidate
    /// Leave kdump initrds alone.
    case keep
}

extension Profile {
    /// Azure images carry one to three kernels; eight leaves room for any sane one. Each rebuild
    /// runs dracut, minutes under TCG.
    public static let defaultMaxKernels = 8
    /// The most `max_kernels` may say: the kernels whose kdump initrds the audit reads at all.
    public static let maxKernelsLimit = 64
}

public enum KernelSelection: String, Equatable, Sendable, CaseIterable {
    /// Every kernel installed in /boot with modules in /lib/modules.
    case all
    /// Only the boot loader's default kernel.
    case `default`
}

/// What a guest must look like under a profile. Every value is optional: an absent value is not
/// checked and not written. The family decides how a value is realised (for example `blacklist`
/// is a kdump.conf directive on el6 but `rd.driver.blacklist=` on el7's kdump command line).
public struct ProfileValues: Equatable, Sendable {
    /// Seconds before rebooting after a panic (`kernel.panic`).
    public var panicTimeout: Int?
    /// `exact`: the effective kernel.panic must equal `panicTimeout`; `positive`: any value > 0.
    public var panicTimeoutPolicy: PanicTimeoutPolicy = .exact
    /// kdump.conf `path`.
    public var dumpPath: String?
    /// kdump.conf `core_collector` (the whole argument string).
    public var coreCollector: String?
    /// el6 kdump.conf `disk_timeout`.
    public var diskTimeout: Int?
    /// Modules the capture kernel must not load; they must also be absent from the kdump initrd.
    public var blacklist: [String] = []
    /// Modules the kdump initrd must contain, forced with kdump.conf `extra_modules`.
    public var extraModules: [String] = []
    /// el7+: modules forced into the kdump initrd with `dracut_args --add-drivers`.
    public var addDrivers: [String] = []
    /// Module options for the capture kernel (el6 `options` directive; el7 `module.key=value` on the command line).
    public var moduleOptions: [String: String] = [:]
    /// Parameters that must be in /etc/sysconfig/kdump `KDUMP_COMMANDLINE_APPEND`.
    public var commandlineAppend: [String] = []
    /// `crashkernel=` the default kernel must boot with: a value such as `auto` or `256M`,
    /// or `any` for any reservation.
    public var crashkernel: String?
    /// patch adds `crashkernel=` to boot entries lacking it: the `crashkernel` value, or when that
    /// is `any` the release's own default (`auto` on el6–RHEL 8, the 9/10 tables on RHEL 9/10;
    /// `KexecToolsRelease.defaultCrashkernel`). el6 grub.conf, el7 grub2, el8+ BLS entries/grubenv.
    public var ensureCrashkernel = false
    /// el7.4+/el8+ kdump.conf `force_no_rebuild 1`: the kdump service keeps the initrd kdumpbake
    /// built and verified instead of rebuilding it at the first boot on Azure (whose driver
    /// check always fires for an initrd built in the appliance). kdumpbake then owns its
    /// correctness: the profile's drivers are verified inside it.
    public var forceNoRebuild = false
    /// The kdump service must be enabled at boot.
    public var enableService: Bool?
    /// `panic=<panic_timeout>` on the boot entries' kernel command line (`boot_panic`): the
    /// kernel.panic sysctl only applies once userspace runs, so a panic during early boot — or
    /// in a capture kernel, which inherits the command line (kdump-tools, L223–226, L264) — would
    /// otherwise hang. patch adds it where missing; the audit checks the default entry.
    public var bootPanic = false

    public init() {}

    /// The `panic=` word `boot_panic` puts on the command line; nil when not asked.
    public var bootPanicParameter: String? {
        guard bootPanic, let seconds = panicTimeout else { return nil }
        return "panic=\(seconds)"
    }

    /// Modules the produced kdump initrd must contain.
    public var requiredInitrdModules: [String] { extraModules + addDrivers.filter { !extraModules.contains($0) } }
}

public enum PanicTimeoutPolicy: String, Equatable, Sendable, CaseIterable {
    case exact, positive
}
