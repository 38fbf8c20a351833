/// `sysctl.kernel_panic`: the value the guest really gets at boot, after its distro's
/// precedence rules, must be the profile's. The kernel default, 0, means "never reboot".
enum SysctlCheck {
    static let id = CheckID.sysctlKernelPanic

    static func run(_ context: CheckContext) -> Finding {
        guard let wanted = context.values.panicTimeout else {
            return Finding(check: id, status: .skip, message: "the profile sets no panic_timeout")
        }
        let expected = context.values.panicTimeoutPolicy == .positive ? "> 0" : String(wanted)
        let sources = sysctlSources(context.facts, family: context.family)
        guard let effective = SysctlPrecedence.effective("kernel.panic", in: sources, family: context.family) else {
            let bootProblem = bootPanicProblem(context).map { "; " + $0 } ?? ""
            return Finding(check: id, status: .fail,
                           message: "kernel.panic is not set, so the kernel default 0 applies: a panicked VM never reboots" + bootProblem,
                           path: context.family == .el6 ? GuestPaths.sysctlConf : "/etc/sysctl.d",
                           expected: expected, actual: "0 (kernel default)")
        }
        let location = "\(effective.file):\(effective.line)"
        guard let value = Int(effective.value) else {
            return Finding(check: id, status: .fail, message: "kernel.panic = \"\(Finding.excerpt(effective.value))\" at \(location) is not a number",
                           path: effective.file, expected: expected, actual: effective.value)
        }
        let good = context.values.panicTimeoutPolicy == .positive ? value > 0 : value == wanted
        var finding = Finding(check: id, status: good ? .pass : .fail,
                              message: good ? "kernel.panic = \(value) (set at \(location))"
                                            : "kernel.panic = \(value) (set at \(location)), expected \(expected)",
                              path: effective.file, expected: expected, actual: String(value))
        if let problem = bootPanicProblem(context) {
            finding.status = .fail
            finding.message += "; " + problem
        }
        return finding
    }

    /// `boot_panic`: the default entry boots with `panic=`, so a panic before systemd-sysctl runs
    /// reboots too. nil when fine or not asked.
    static func bootPanicProblem(_ context: CheckContext) -> String? {
        guard let wanted = context.values.bootPanicParameter else { return nil }
        let boot = BootConfiguration(facts: context.facts, family: context.family)
        guard let entry = boot.defaultEntry else { return "no default boot entry was found to carry \(wanted)" }
        let values = entry.commandLine.values(of: "panic")
        guard let last = values.last, let seconds = Int(last), seconds != 0 else {
            return "the default kernel boots without \(wanted) (\(boot.source ?? "boot loader")), so a panic before sysctl settings apply never reboots"
        }
        return nil
    }

    /// The sysctl files of the guest in the form the precedence rules take.
    static func sysctlSources(_ facts: GuestFacts, family: KdumpFamily) -> [SysctlSource] {
        let directories = SysctlPrecedence.searchDirectories(family)
        return facts.files.values
            .filter { file in file.path == GuestPaths.sysctlConf || directories.contains { file.path.hasPrefix($0 + "/") } }
            .sorted { $0.path < $1.path }
            .map { SysctlSource(path: $0.path, contents: $0.text, isMasked: $0.state == .masked) }
    }
}
