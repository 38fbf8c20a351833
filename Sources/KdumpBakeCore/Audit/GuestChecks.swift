/// The guest checks in report order. Each is a pure function of the facts and the profile.
public enum GuestChecks {
    public static let ids = [
        "vhd.format", "os.supported", "sysctl.kernel_panic", "kdump.installed", "kdump.config",
        "kdump.initrd", "kdump.initrd_modules", "boot.crashkernel", "kdump.enabled",
    ]

    /// Every check after `os.supported`, for a guest whose profile is known.
    public static func run(_ context: CheckContext) -> [Finding] {
        [
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
        ids.dropFirst(2).map { Finding(check: $0, status: status, message: reason) }
    }
}
