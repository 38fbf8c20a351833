/// The guest checks in report order (`CheckID.guestChecks`). Each is a pure function of the
/// facts and the profile.
public enum GuestChecks {
    /// Every check after `os.supported`, for a guest whose profile is known.
    public static func run(_ context: CheckContext) -> [Finding] {
        if context.profile.kdump == .disabled { return PanicOnlyChecks.run(context) }
        if let kdumpTools = context.kdumpTools { return KdumpToolsChecks.run(context, kdumpTools) }
        if let suseKdump = context.suseKdump { return SlesChecks.run(context, suseKdump) }
        return [
            SysctlCheck.run(context),
            KdumpInstalledCheck.run(context),
            KdumpConfigCheck.run(context),
            KdumpInitrdCheck.presence(context),
            KdumpInitrdCheck.modules(context),
            CrashkernelCheck.run(context),
            KdumpServiceCheck.run(context),
        ]
    }

    /// Findings for the guest checks that could not run, all with the same reason.
    package static func notRun(_ status: FindingStatus, because reason: String) -> [Finding] {
        CheckID.guestChecks.map { Finding(check: $0, status: status, message: reason) }
    }
}
