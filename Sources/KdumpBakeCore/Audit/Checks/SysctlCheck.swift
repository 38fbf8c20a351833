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
            return Finding(check: id, status: .fail,
                           message: "kernel.panic is not set, so the kernel default 0 applies: a panicked VM never reboots",
                           path: context.family == .el6 ? GuestPaths.sysctlConf : "/etc/sysctl.d",
                           expected: expected, actual: "0 (kernel default)")
        }
        let location = "\(effective.file):\(effective.line)"
        guard let value = Int(effective.value) else {
            return Finding(check: id, status: .fail, message: "kernel.panic = \"\(Finding.excerpt(effective.value))\" at \(location) is not a number",
                           path: effective.file, expected: expected, actual: effective.value)
        }
        let good = context.values.panicTimeoutPolicy == .positive ? value > 0 : value == wanted
        return Finding(check: id, status: good ? .pass : .fail,
                       message: good ? "kernel.panic = \(value) (set at \(location))"
                                     : "kernel.panic = \(value) (set at \(location)), expected \(expected)",
                       path: effective.file, expected: expected, actual: String(value))
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
