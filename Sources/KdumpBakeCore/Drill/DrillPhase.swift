/// What the drill is waiting for, each with its own time limit: a guest that stops making
/// progress is caught in the phase where it stopped, and the report can say where.
public enum DrillPhase: String, Codable, Sendable, CaseIterable {
    /// qemu started; waiting for the kernel's first line.
    case booting
    /// The kernel started; waiting for userspace, the kdump service and the trigger's verdict
    /// on it (`kdump-armed` or `kdump-not-armed`).
    case arming
    /// kdump is armed; waiting for the trigger's panic.
    case crashing
    /// The kernel panicked; waiting for the capture kernel (or panic's own reboot).
    case capturing
    /// The capture kernel started; waiting for it to save the dump.
    case dumping
    /// The dump is saved (or failed); waiting for the restart.
    case rebooting
    /// The machine restarted; waiting for the second boot's userspace.
    case secondBoot
}

/// Seconds each phase may take without a new milestone.
///
/// Measured on this machine kind under TCG (a loaded host, Debian 12): ~400 s of first-boot
/// initrd building by kdump-tools on an image that had none, ~135 s from panic to dump saved.
/// The TCG defaults leave room for that; KVM is roughly ten times faster, its defaults are
/// tighter so a hung guest is reported sooner.
public struct DrillLimits: Sendable, Equatable {
    public var booting: Int
    public var arming: Int
    public var crashing: Int
    public var capturing: Int
    public var dumping: Int
    public var rebooting: Int
    public var secondBoot: Int

    public init(booting: Int, arming: Int, crashing: Int, capturing: Int, dumping: Int, rebooting: Int, secondBoot: Int) {
        self.booting = booting
        self.arming = arming
        self.crashing = crashing
        self.capturing = capturing
        self.dumping = dumping
        self.rebooting = rebooting
        self.secondBoot = secondBoot
    }

    /// Software emulation. `capturing` is also how long a panicked guest that does nothing
    /// (kernel.panic = 0, no kdump) takes to be reported `hung`.
    public static let tcg = DrillLimits(booting: 120, arming: 900, crashing: 120, capturing: 120, dumping: 600, rebooting: 180, secondBoot: 600)
    /// Hardware virtualization.
    public static let kvm = DrillLimits(booting: 60, arming: 300, crashing: 60, capturing: 60, dumping: 240, rebooting: 90, secondBoot: 240)

    /// The defaults for `accelerator`.
    public static func defaults(for accelerator: DrillMachine.Accelerator) -> DrillLimits {
        accelerator == .kvm ? .kvm : .tcg
    }

    /// `base`'s limits scaled so they add up to `timeout` seconds (`--timeout`), each at least one
    /// second: the proportions between phases stay those measured.
    public init(timeout: Int, scaling base: DrillLimits = .tcg) {
        let total = max(base.total, 1)
        func scaled(_ seconds: Int) -> Int { max(1, Int((Double(seconds) * Double(max(timeout, 0)) / Double(total)).rounded())) }
        self.init(booting: scaled(base.booting), arming: scaled(base.arming), crashing: scaled(base.crashing),
                  capturing: scaled(base.capturing), dumping: scaled(base.dumping), rebooting: scaled(base.rebooting),
                  secondBoot: scaled(base.secondBoot))
    }

    /// The limit of `phase`, in seconds.
    public subscript(phase: DrillPhase) -> Int {
        switch phase {
        case .booting: booting
        case .arming: arming
        case .crashing: crashing
        case .capturing: capturing
        case .dumping: dumping
        case .rebooting: rebooting
        case .secondBoot: secondBoot
        }
    }

    /// All limits added up: the longest a drill can take (plus the trigger's own wait).
    public var total: Int { DrillPhase.allCases.reduce(0) { $0 + self[$1] } }
}

extension ConsoleTimeline {
    /// The phase the drill is in, from the furthest milestone reached (not the last one seen:
    /// a hostile console cannot send the drill back to an earlier phase).
    public var currentPhase: DrillPhase {
        if reached(.secondBootKernel) || reached(.reboot) { return .secondBoot }
        if reached(.dumpWritten) || reached(.dumpFailed) { return .rebooting }
        if reached(.captureKernelStarted) { return .dumping }
        if reached(.panic) { return .capturing }
        if reached(.kdumpArmed) || reached(.triggerFired) { return .crashing }
        if reached(.kernelStarted) || reached(.crashKernelReserved) || reached(.crashKernelNotReserved) || reached(.kdumpNotArmed) {
            return .arming
        }
        return .booting
    }

    /// The phase whose limit has run out at `elapsed` seconds, counted from the last milestone
    /// (from 0 before the first), or nil while it has time left or once the second boot reached
    /// userspace. In `afterKdumpArms` mode the arming limit is extended by the trigger's own
    /// wait, so a kdump that never arms is reported with the trigger's reason, not as a timeout.
    public func expiredPhase(at elapsed: Double, limits: DrillLimits) -> DrillPhase? {
        guard !reached(.secondBootUserspace) else { return nil }
        let phase = currentPhase
        let since = entries.last?.elapsedSeconds ?? 0
        return elapsed - since >= Double(limit(of: phase, in: limits)) ? phase : nil
    }

    /// The limit `expiredPhase` applies to `phase` (for the report's "no progress for N s").
    public func limit(of phase: DrillPhase, in limits: DrillLimits) -> Int {
        if phase == .arming, case .afterKdumpArms(let wait) = mode { return limits[phase] + max(wait, 0) }
        return limits[phase]
    }
}
