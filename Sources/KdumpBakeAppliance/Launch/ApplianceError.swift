import Guestfs

/// Why the product could not get an appliance, beyond what libguestfs itself reported.
///
/// libguestfs's own failures stay `GuestfsError`s; these are the product's conclusions about
/// them, typed so that decisions (fall back to TCG or not, which exit status) never depend on
/// message text.
public enum ApplianceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The host cannot build an appliance at all (supermin failed: usually no kernel installed).
    /// An environment problem: retrying under TCG would fail the same way.
    case cannotBuild(reason: String)
    /// The launch outlived its bound and its qemu was killed; `cause` is libguestfs's first line.
    case launchTimedOut(seconds: Int64, cause: String)
    /// Not started: the run is being stopped by a signal.
    case stopping
    /// qemu's translation cache could not be bounded (`TCGCodeCache`): the launch goes ahead without.
    case translationCache(String)

    /// Whether the KVM→TCG fallback applies: the failure may be KVM's (a failed or hung launch),
    /// not the host's or the user's.
    static func kvmMayBeTheCause(_ error: Error) -> Bool {
        switch error {
        case let error as GuestfsError: error.call == .launch
        case ApplianceError.launchTimedOut: true
        default: false
        }
    }

    /// A problem of the host, not of the image or the run: the patch reports it as invalid input
    /// to the run (exit 2), as a missing tool would be.
    public var isHostProblem: Bool {
        if case .cannotBuild = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .cannotBuild(let reason):
            "appliance: cannot build the libguestfs appliance: supermin failed\(reason). libguestfs builds it from the host's kernel: install one (Debian: apt-get install linux-image-amd64) and make /boot/vmlinuz-* readable, then run again"
        case .launchTimedOut(let seconds, let cause):
            "launch: the appliance did not start within \(seconds) s and was stopped (\(cause))"
        case .stopping:
            "launch: not started, the run is being stopped"
        case .translationCache(let reason):
            reason
        }
    }
}
