import Guestfs

/// Turns libguestfs's "supermin exited with error status 1" into the reason and what to do.
///
/// libguestfs builds its appliance with supermin from the host's own kernel and packages, once,
/// into its cache. When that fails — most often because no kernel is installed (containers, CI
/// images) or `/boot/vmlinuz-*` is not readable (Ubuntu) — launch reports only the exit status,
/// because supermin's messages are debug output. So on that error the build is tried once more
/// with verbose messages captured (it fails again within a second) to quote supermin's own
/// reason. The result is `ApplianceError.cannotBuild`: retrying under TCG would only fail the
/// same way, so the KVM→TCG fallback does not apply.
enum ApplianceBuildFailure {
    static func isSuperminFailure(_ error: GuestfsError) -> Bool {
        error.message.contains("supermin exited with error")
    }

    static func explain(_ error: GuestfsError, settings: [String]) -> ApplianceError {
        .cannotBuild(reason: superminReason(settings: settings).map { " (\($0))" } ?? "")
    }

    /// supermin's last error line from a verbose rebuild attempt, or nil.
    private static func superminReason(settings: [String]) -> String? {
        guard let handle = try? GuestfsHandle() else { return nil }
        var lines: [String] = []
        do {
            try handle.setBackendSettings(settings)
            try handle.setVerbose(true)
            try handle.onEvents([.library, .appliance]) { event in
                for line in event.message.split(whereSeparator: \.isNewline) where line.hasPrefix("supermin:") {
                    lines.append(String(line))
                }
            }
            try handle.addDrive("/dev/null", DriveOptions(format: "raw", readonly: true))
            try handle.launch()
            try? handle.shutdown()  // built this time after all: nothing to quote
            return nil
        } catch {
            let telling = lines.last { $0.contains("failed") || $0.contains("error") || $0.contains("cannot") || $0.contains("not found") }
            return telling ?? lines.last
        }
    }
}
