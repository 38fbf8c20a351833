/// `boot.crashkernel` on a kdump-tools guest: the default entry of the generated
/// /boot/grub/grub.cfg reserves memory (the value reaches the boot only through its `linux`
/// lines, L192–195), and /etc/default/grub plus grub.d still carry it, or the next update-grub
/// (a kernel upgrade runs it) drops the reservation.
enum KdumpToolsBootCheck {
    static func run(_ context: CheckContext, _ release: KdumpToolsRelease) -> Finding {
        guard let wanted = context.values.crashkernel else {
            return Finding(check: .bootCrashkernel, status: .skip, message: "the profile does not require crashkernel=")
        }
        let boot = BootConfiguration(facts: context.facts, family: .kdumpTools)
        guard let entry = boot.defaultEntry, let source = boot.source else {
            return Finding(check: .bootCrashkernel, status: .fail, message: "no \(KdumpToolsPaths.grubConfig) with a default kernel was found",
                           expected: "crashkernel=\(wanted)")
        }
        let values = entry.commandLine.values(of: "crashkernel")
        let kernel = entry.kernelVersion ?? entry.kernelPath ?? entry.title
        var problems = ProblemList()
        if values.isEmpty {
            problems.fail("the default kernel (\(kernel)) boots without crashkernel=, so no memory is reserved and kdump cannot load")
        } else if wanted != "any", values.last != wanted {
            problems.fail("the default kernel (\(kernel)) boots with crashkernel=\(values.last!), expected crashkernel=\(wanted)")
        }
        if let defaults = boot.grubDefaults, defaults.normalEntryCommandLine.values(of: "crashkernel").isEmpty {
            problems.fail("\(GuestPaths.defaultGrub) and \(KdumpToolsPaths.grubDefaultsDirectory)/*.cfg leave GRUB_CMDLINE_LINUX(_DEFAULT) without crashkernel=: the next update-grub drops it")
        }
        var finding = problems.finding(.bootCrashkernel, pass: "the default kernel (\(kernel)) boots with crashkernel=\(values.last ?? "")",
                                       path: source, expected: "crashkernel=\(wanted)", actual: values.last.map { "crashkernel=\($0)" } ?? "none")
        finding.rules = release.summary
        return finding
    }
}
