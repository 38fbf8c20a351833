/// How to choose the appliance's accelerator and how long to wait for it.
///
/// On many machines (nested virtualisation, containers, CI) `/dev/kvm` exists but qemu aborts
/// (`failed to set MSR 0x10a`) or hangs under KVM. The product therefore tries KVM once with a
/// bounded wait and falls back to TCG (software emulation) — unless the user said what to use.
public struct LaunchPolicy: Sendable, Equatable {
    public enum Accelerator: Sendable, Equatable {
        /// Try the default (KVM when usable), fall back to TCG if that launch fails or times out.
        case automatic
        /// TCG only (`force_tcg`): the `--tcg` flag.
        case forceTCG
        /// Exactly these backend settings, one attempt: what `LIBGUESTFS_BACKEND_SETTINGS` said.
        case explicit([String])
    }

    public var accelerator: Accelerator
    /// Bound on a KVM launch. A healthy one takes seconds, so a launch still running after this
    /// is a hung qemu and is killed.
    public var kvmTimeout: Duration
    /// Bound on a TCG (or explicit) launch, ~30 s on a 2-core machine; generous for loaded machines.
    public var tcgTimeout: Duration
    /// Forward libguestfs's own log messages (appliance console, library debug) to the launch log.
    public var verbose = false
    /// Bound in MiB on qemu's translation cache for TCG launches (`TCGCodeCache`); nil leaves
    /// qemu's default of up to 1 GiB, which an appliance fills.
    public var tcgCodeCacheMiB: Int? = TCGCodeCache.defaultMiB
    /// True when the user chose the bound (`KDUMPBAKE_TCG_CACHE_MIB`): then no appliance changes it.
    public var tcgCodeCacheChosen = false
    /// TCG appliances boot the host kernel decompressed once on the host (`DirectBootKernel`),
    /// not its bzImage; `KDUMPBAKE_DIRECT_KERNEL=0` turns that off.
    public var directKernel = true

    /// This policy for an appliance that will build kdump initrds: a larger translation cache
    /// (`TCGCodeCache.buildMiB`) unless the user chose one.
    public var forInitrdBuilds: LaunchPolicy {
        var policy = self
        if !tcgCodeCacheChosen { policy.tcgCodeCacheMiB = TCGCodeCache.buildMiB }
        return policy
    }

    public init(accelerator: Accelerator = .automatic, kvmTimeout: Duration = .seconds(60), tcgTimeout: Duration = .seconds(600)) {
        self.accelerator = accelerator
        self.kvmTimeout = kvmTimeout
        self.tcgTimeout = tcgTimeout
    }

    /// The policy a user asked for: `--tcg` wins, then `LIBGUESTFS_BACKEND_SETTINGS` (libguestfs's
    /// colon-separated form, honoured even when empty), then automatic.
    /// `KDUMPBAKE_TCG_CACHE_MIB` overrides the TCG translation cache bound; 0 leaves qemu's default
    /// (and so the wrapper that also boots the kernel directly). `KDUMPBAKE_DIRECT_KERNEL=0` boots the bzImage.
    public static func fromEnvironment(_ environment: [String: String], forceTCG: Bool = false) -> LaunchPolicy {
        var policy = LaunchPolicy()
        if forceTCG {
            policy.accelerator = .forceTCG
        } else if let settings = environment["LIBGUESTFS_BACKEND_SETTINGS"] {
            policy.accelerator = .explicit(settings.split(separator: ":").map(String.init))
        }
        if environment["KDUMPBAKE_DIRECT_KERNEL"] == "0" { policy.directKernel = false }
        if let text = environment["KDUMPBAKE_TCG_CACHE_MIB"], let mebibytes = Int(text), mebibytes >= 0 {
            policy.tcgCodeCacheMiB = mebibytes == 0 ? nil : mebibytes
            policy.tcgCodeCacheChosen = true
        }
        return policy
    }
}
