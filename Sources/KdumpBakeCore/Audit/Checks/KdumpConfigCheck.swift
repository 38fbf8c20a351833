/// `kdump.config`: /etc/kdump.conf (and /etc/sysconfig/kdump where the family puts capture-kernel
/// parameters) say what the profile requires — and nothing this family's kdump service rejects.
enum KdumpConfigCheck {
    static let id = CheckID.kdumpConfig

    static func run(_ context: CheckContext) -> Finding {
        guard let conf = context.kdumpConf else {
            let problem = context.facts.files[GuestPaths.kdumpConf]?.problem ?? "\(GuestPaths.kdumpConf) is missing"
            return Finding(check: id, status: .fail, message: problem, path: GuestPaths.kdumpConf)
        }
        let release = context.release
        var problems = ProblemList()
        for problem in release.configProblems(conf) { problems.fail(problem) }
        checkValues(conf, context, &problems)
        checkCommandLine(context, &problems)
        var finding = problems.finding(id, pass: "\(GuestPaths.kdumpConf) matches profile \(context.profile.name)",
                                       path: GuestPaths.kdumpConf, expected: expectedSummary(context),
                                       actual: conf.directives.map { "\($0.name) \($0.arguments)" }.joined(separator: "; "))
        finding.rules = release.summary
        return finding
    }

    private static func checkValues(_ conf: KdumpConf, _ context: CheckContext, _ problems: inout ProblemList) {
        let values = context.values
        if let path = values.dumpPath, conf.last("path")?.arguments != path {
            problems.fail(conf.last("path").map { "line \($0.line): path is \(Finding.excerpt($0.arguments)), expected \(path)" } ?? "no 'path \(path)' directive")
        }
        if let collector = values.coreCollector, conf.last("core_collector").map({ $0.words.joined(separator: " ") }) != collector.split(separator: " ").joined(separator: " ") {
            problems.fail(conf.last("core_collector").map { "line \($0.line): core_collector is '\(Finding.excerpt($0.arguments))', expected '\(collector)'" } ?? "no 'core_collector \(collector)' directive")
        }
        let missingExtra = values.extraModules.filter { !conf.words(of: "extra_modules").contains($0) }
        if !missingExtra.isEmpty { problems.fail("extra_modules lacks \(missingExtra.joined(separator: " "))") }
        if context.release.moduleLoading == .initInsmodLines {
            checkEl6Blacklist(conf, values, &problems)
            for (module, option) in values.moduleOptions.sorted(by: { $0.key < $1.key }) {
                let present = conf.all("options").contains {
                    El6OptionsLine.isReadByMkdumprd($0.raw) && $0.words.first == module && $0.words.dropFirst().contains(option)
                }
                if !present { problems.fail("no 'options \(module) \(option)' directive") }
            }
            if let timeout = values.diskTimeout, conf.last("disk_timeout")?.arguments != String(timeout) {
                problems.fail(conf.last("disk_timeout").map { "line \($0.line): disk_timeout is \(Finding.excerpt($0.arguments)), expected \(timeout)" } ?? "no 'disk_timeout \(timeout)' directive")
            }
        } else {
            let added = Set(conf.dracutAddDrivers().map(InitrdReader.normalizedModuleName))
            let missing = values.addDrivers.filter { !added.contains(InitrdReader.normalizedModuleName($0)) }
            if !missing.isEmpty { problems.fail("dracut_args --add-drivers lacks \(missing.joined(separator: " "))") }
        }
        if values.forceNoRebuild, conf.last("force_no_rebuild")?.words.first != "1" {
            problems.fail(conf.last("force_no_rebuild").map { "line \($0.line): force_no_rebuild is \(Finding.excerpt($0.arguments)), expected 1" }
                ?? "no 'force_no_rebuild 1' directive: the kdump service would replace the verified initrd at its first start")
        }
        if let reset = context.release.autoResetCrashkernel(for: values.crashkernel), conf.last("auto_reset_crashkernel")?.words.first != reset {
            problems.fail("no 'auto_reset_crashkernel \(reset)' directive: this release resets crashkernel=\(values.crashkernel ?? "") to its default \(context.release.defaultCrashkernel) at the next update or kernel installation")
        }
    }

    /// el6's mkdumprd compares blacklist entries with module *file* names: `hid_hyperv` (as
    /// some guides spell it) matches nothing, because the file is hid-hyperv.ko.
    private static func checkEl6Blacklist(_ conf: KdumpConf, _ values: ProfileValues, _ problems: inout ProblemList) {
        let listed = conf.words(of: "blacklist")
        var absent: [String] = []
        for module in values.blacklist where !listed.contains(module) {
            if let misspelled = listed.first(where: { InitrdReader.normalizedModuleName($0) == InitrdReader.normalizedModuleName(module) }) {
                problems.fail("blacklist has '\(Finding.excerpt(misspelled))', which matches no module file on el6 (the file is \(module).ko): write '\(module)'")
            } else {
                absent.append(module)
            }
        }
        if !absent.isEmpty { problems.fail("blacklist lacks \(absent.joined(separator: " "))") }
    }

    /// /etc/sysconfig/kdump KDUMP_COMMANDLINE_APPEND: the profile's parameters, plus on el7+
    /// the blacklist and module options, which can only be given to the capture kernel there.
    private static func checkCommandLine(_ context: CheckContext, _ problems: inout ProblemList) {
        let required = requiredCommandLine(context)
        guard !required.parameters.isEmpty || !required.blacklist.isEmpty else { return }
        guard let text = context.facts.files[GuestPaths.sysconfigKdump]?.text else {
            problems.fail(context.facts.files[GuestPaths.sysconfigKdump]?.problem ?? "\(GuestPaths.sysconfigKdump) is missing")
            return
        }
        let append = KernelCommandLine(ShellAssignments.parse(text).value("KDUMP_COMMANDLINE_APPEND") ?? "")
        let missing = required.parameters.filter { !append.contains($0) }
        if !missing.isEmpty { problems.fail("\(GuestPaths.sysconfigKdump) KDUMP_COMMANDLINE_APPEND lacks \(missing.joined(separator: " "))") }
        let blacklisted = Set(append.driverBlacklist().map(InitrdReader.normalizedModuleName))
        let notBlacklisted = required.blacklist.filter { !blacklisted.contains(InitrdReader.normalizedModuleName($0)) }
        if !notBlacklisted.isEmpty {
            problems.fail("\(GuestPaths.sysconfigKdump) KDUMP_COMMANDLINE_APPEND lacks rd.driver.blacklist= for \(notBlacklisted.joined(separator: ","))")
        }
    }

    /// What KDUMP_COMMANDLINE_APPEND must carry for this profile and family.
    static func requiredCommandLine(_ context: CheckContext) -> (parameters: [String], blacklist: [String]) {
        var parameters = context.values.commandlineAppend
        guard context.release.moduleLoading == .captureCommandLine else { return (parameters, []) }
        parameters += context.values.moduleOptions.sorted { $0.key < $1.key }.map { "\($0.key).\($0.value)" }
        return (parameters, context.values.blacklist)
    }

    private static func expectedSummary(_ context: CheckContext) -> String {
        let v = context.values
        var parts: [String] = []
        if let path = v.dumpPath { parts.append("path \(path)") }
        if let collector = v.coreCollector { parts.append("core_collector \(collector)") }
        if !v.extraModules.isEmpty { parts.append("extra_modules \(v.extraModules.joined(separator: " "))") }
        if context.release.moduleLoading == .initInsmodLines {
            if !v.blacklist.isEmpty { parts.append("blacklist \(v.blacklist.joined(separator: " "))") }
            parts += v.moduleOptions.sorted { $0.key < $1.key }.map { "options \($0.key) \($0.value)" }
            if let timeout = v.diskTimeout { parts.append("disk_timeout \(timeout)") }
        } else if !v.addDrivers.isEmpty {
            parts.append("dracut_args --add-drivers \"\(v.addDrivers.joined(separator: " "))\"")
        }
        if v.forceNoRebuild { parts.append("force_no_rebuild 1") }
        if let reset = context.release.autoResetCrashkernel(for: v.crashkernel) { parts.append("auto_reset_crashkernel \(reset)") }
        let commandLine = requiredCommandLine(context)
        let append = commandLine.parameters + (commandLine.blacklist.isEmpty ? [] : ["rd.driver.blacklist=\(commandLine.blacklist.joined(separator: ","))"])
        if !append.isEmpty { parts.append("KDUMP_COMMANDLINE_APPEND += \(append.joined(separator: " "))") }
        return parts.joined(separator: "; ")
    }
}
