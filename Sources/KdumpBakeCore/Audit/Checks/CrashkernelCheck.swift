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
        let release = context.release
        if values.isEmpty {
            problems.fail("the default kernel (\(kernel)) boots without crashkernel=, so no memory is reserved and kdump cannot load")
        } else if let problem = release.crashkernelProblem(values.last!) {
            problems.fail("the default kernel (\(kernel)) boots with crashkernel=\(values.last!): \(problem)")
        } else if wanted != "any", values.last != wanted {
            problems.fail("the default kernel (\(kernel)) boots with crashkernel=\(values.last!), expected crashkernel=\(wanted)")
        }
        // el7+: grub2-mkconfig regenerates grub.cfg from /etc/default/grub, so both must agree.
        if context.family != .el6, let defaults = boot.defaultGrubCommandLine {
            checkInherited(defaults, "\(GuestPaths.defaultGrub) GRUB_CMDLINE_LINUX\(context.family == .sles ? " and GRUB_CMDLINE_LINUX_DEFAULT" : "")", "the next grub2-mkconfig", release, &problems)
        }
        // el8+: kernel-install gives kernels installed later /etc/kernel/cmdline (reference L84–86).
        if context.family == .el8, let text = context.facts.files[GuestPaths.kernelCmdline]?.text {
            checkInherited(KernelCommandLine(text), GuestPaths.kernelCmdline, "a kernel installed later", release, &problems)
        }
        if let value = values.last, release.crashkernelProblem(value) == nil, release.resetsCustomCrashkernel, release.isCustomCrashkernel(value),
           context.kdumpConf?.last("auto_reset_crashkernel")?.words.first != "no" {
            problems.warn("crashkernel=\(value) is not this release's default (\(release.defaultCrashkernel)): RHEL 9.3+ resets it to the default at the next kexec-tools/kdump-utils update or kernel installation unless \(GuestPaths.kdumpConf) says 'auto_reset_crashkernel no'")
        }
        return problems.finding(id, pass: "the default kernel (\(kernel)) boots with crashkernel=\(values.last ?? "")",
                                path: source, expected: "crashkernel=\(wanted)", actual: values.last.map { "crashkernel=\($0)" } ?? "none")
    }

    /// A command line later boot entries are made from must carry a crashkernel= the kernel honours.
    private static func checkInherited(_ line: KernelCommandLine, _ what: String, _ reader: String, _ release: KexecToolsRelease,
                                       _ problems: inout ProblemList) {
        guard let value = line.values(of: "crashkernel").last else {
            problems.fail("\(what) lacks crashkernel=: \(reader) drops it")
            return
        }
        if let problem = release.crashkernelProblem(value) { problems.fail("\(what) has crashkernel=\(value): \(problem)") }
    }
}
