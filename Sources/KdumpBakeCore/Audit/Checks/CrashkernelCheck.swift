/// `boot.crashkernel`: the default kernel boots with memory reserved for the capture kernel.
/// Azure's preparation guides suggest removing `crashkernel=auto` to save memory, so an image
/// may lack it on purpose; then kdump cannot work and the audit says so plainly.
enum CrashkernelCheck {
    static let id = CheckID.bootCrashkernel

    static func run(_ context: CheckContext) -> Finding {
        guard let wanted = context.values.crashkernel else {
            return Finding(check: id, status: .skip, message: "the profile does not require crashkernel=")
        }
        let boot = BootConfiguration(facts: context.facts, family: context.family)
        guard let entry = boot.defaultEntry, let source = boot.source else {
            return Finding(check: id, status: .fail, message: "no boot loader configuration with a default kernel was found",
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
        // el7+: grub2-mkconfig regenerates grub.cfg from /etc/default/grub, so both must agree.
        if context.family != .el6, let defaults = boot.defaultGrubCommandLine, defaults.values(of: "crashkernel").isEmpty {
            problems.fail("\(GuestPaths.defaultGrub) GRUB_CMDLINE_LINUX\(context.family == .sles ? " and GRUB_CMDLINE_LINUX_DEFAULT lack" : " lacks") crashkernel=: the next grub2-mkconfig drops it")
        }
        return problems.finding(id, pass: "the default kernel (\(kernel)) boots with crashkernel=\(values.last ?? "")",
                                path: source, expected: "crashkernel=\(wanted)", actual: values.last.map { "crashkernel=\($0)" } ?? "none")
    }
}
