/// The guest checks under a panic-only profile (`kdump: disabled`): for images whose hardening
/// forbids kdump (the STIG rule `service_kdump_disabled`), the promise is only that a panicked VM
/// reboots. `sysctl.kernel_panic` (with `boot_panic`'s `panic=`) is checked as always; the kdump
/// checks say why they do not apply instead of failing; `kdump.enabled` confirms kdump is off.
enum PanicOnlyChecks {
    static func run(_ context: CheckContext) -> [Finding] {
        let seconds = context.values.panicTimeout.map { "\($0) s" } ?? "the configured time"
        let reason = "not checked: profile \(context.profile.name) is panic-only (kdump: disabled) for images whose hardening forbids kdump (STIG service_kdump_disabled); a panic reboots after \(seconds), without a dump"
        let skipped = [CheckID.kdumpInstalled, .kdumpConfig, .kdumpInitrd, .kdumpInitrdModules, .bootCrashkernel]
            .map { Finding(check: $0, status: .skip, message: reason) }
        return [SysctlCheck.run(context)] + skipped + [service(context, seconds: seconds)]
    }

    private static func service(_ context: CheckContext, seconds: String) -> Finding {
        if let link = enablingLink(context) {
            return Finding(check: .kdumpEnabled, status: .warn,
                           message: "kdump is enabled (\(link)) although profile \(context.profile.name) is panic-only; kdumpbake leaves the service as it is, and STIG service_kdump_disabled wants it disabled",
                           path: link, expected: "disabled", actual: "enabled")
        }
        return Finding(check: .kdumpEnabled, status: .pass,
                       message: "kdump is disabled, as the panic-only profile expects: after a panic the VM reboots in \(seconds) and writes no dump",
                       expected: "disabled", actual: "disabled")
    }

    /// The link that starts kdump at boot on this family, when there is one.
    private static func enablingLink(_ context: CheckContext) -> String? {
        let links = context.facts.serviceLinks
        switch context.family {
        case .el6: return links.first { $0.hasPrefix("/etc/rc.d/rc3.d/S") || $0.hasPrefix("/etc/rc.d/rc5.d/S") }
        case .el7, .el8, .sles: return links.first { $0 == GuestPaths.kdumpWantsLink }
        case .kdumpTools:
            guard links.contains(KdumpToolsPaths.wantsLink), KdumpToolsDefaults(facts: context.facts).isEnabled else { return nil }
            return KdumpToolsPaths.wantsLink
        }
    }
}
