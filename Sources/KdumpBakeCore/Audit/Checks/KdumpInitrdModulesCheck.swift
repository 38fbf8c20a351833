/// `kdump.initrd_modules`: what the capture kernel will really load, read from the built initrd.
///
/// el6: the initrd's `/init` — every required module has an insmod line (with the profile's
/// options), no blacklisted one has; blacklisted `.ko` files are inside (mkdumprd copies them)
/// and that is fine. el7+: required drivers are inside the initramfs; a blacklisted one may be
/// inside too, as long as the capture command line blacklists it (`rd.driver.blacklist=`).
extension KdumpInitrdCheck {
    static func modules(_ context: CheckContext) -> Finding {
        let required = context.values.requiredInitrdModules
        let forbidden = context.values.blacklist
        guard !required.isEmpty || !forbidden.isEmpty else {
            return Finding(check: modulesID, status: .skip, message: "the profile requires no initrd modules")
        }
        var problems = ProblemList()
        var notes: [String] = []
        var checked: [String] = []
        var lastActual: String?
        for kernel in context.selectedKernels {
            let path = context.initrdPath(kernel)
            guard let initrd = context.facts.kdumpInitrds[path], let listing = initrd.modules else { continue }
            switch listing {
            case .failure(let failure):
                problems.warn("\(path): cannot list modules (\(failure.message))")
            case .success(let modules):
                switch context.release.moduleLoading {
                case .initInsmodLines:
                    lastActual = verifyInitScript(initrd, path: path, modules: modules, context, &problems, &notes)
                case .captureCommandLine:
                    verifyInitramfs(path: path, modules: modules, context, &problems, &notes)
                    lastActual = modules.sorted().joined(separator: " ")
                }
                checked.append(kernel)
            }
        }
        if checked.isEmpty && problems.failures.isEmpty && problems.warnings.isEmpty {
            return Finding(check: modulesID, status: .skip, message: "no kdump initrd to inspect yet (see \(presenceID))")
        }
        let expected = (required.isEmpty ? [] : ["loads \(required.joined(separator: " "))"])
            + (forbidden.isEmpty ? [] : ["never loads \(forbidden.joined(separator: " "))"])
        let pass = "the capture kernel of \(checked.joined(separator: ", ")) loads what the profile requires"
            + (notes.isEmpty ? "" : "; " + Array(Set(notes)).sorted().joined(separator: "; "))
        var finding = problems.finding(modulesID, pass: pass, path: context.sysconfig.bootDirectory,
                                       expected: expected.joined(separator: "; "), actual: lastActual)
        finding.rules = context.release.summary
        return finding
    }

    /// el6: reads the insmod lines of /init. Returns the loaded modules (for `actual`).
    private static func verifyInitScript(_ initrd: KdumpInitrd, path: String, modules: [String], _ context: CheckContext,
                                         _ problems: inout ProblemList, _ notes: inout [String]) -> String? {
        guard let text = initrd.initScript else {
            problems.fail("\(path) has no /init, so nothing says which modules the capture kernel loads")
            return nil
        }
        let script = El6InitScript(text)
        guard !script.loads.isEmpty else {
            problems.fail("\(path): its /init loads no module at all (no insmod lines)")
            return nil
        }
        let values = context.values
        for module in values.requiredInitrdModules {
            guard let load = script.load(of: module) else {
                problems.fail("\(path): /init has no insmod line for \(module), so the capture kernel never loads it")
                continue
            }
            let wanted = values.moduleOptions[module].map { $0.split(separator: " ").map(String.init) } ?? []
            let absent = wanted.filter { !load.arguments.contains($0) }
            if !absent.isEmpty {
                problems.fail("\(path): /init line \(load.line) loads \(module) without \(absent.joined(separator: " "))"
                              + (load.arguments.isEmpty ? "" : " (it passes \(load.arguments.joined(separator: " ")))"))
            }
        }
        let present = Set(modules.map(InitrdReader.normalizedModuleName))
        var inertButPresent: [String] = []
        for module in values.blacklist {
            if let load = script.load(of: module) {
                problems.fail("\(path): /init line \(load.line) loads blacklisted \(load.module)")
            } else if present.contains(InitrdReader.normalizedModuleName(module)) {
                inertButPresent.append(module)
            }
        }
        if !inertButPresent.isEmpty {
            notes.append("blacklisted \(inertButPresent.joined(separator: " ")) inside the initrd but never loaded (el6 blacklist removes the insmod line, not the file)")
        }
        let wanted = Set(values.requiredInitrdModules.map(InitrdReader.normalizedModuleName))
        let others = script.loads.map(\.module).filter { !wanted.contains(InitrdReader.normalizedModuleName($0)) }
        if !others.isEmpty {
            notes.append("/init also loads \(others.joined(separator: " ")) (mkdumprd adds what the build machine had loaded and their dependencies; harmless on Azure)")
        }
        return script.loads.map { ([$0.module] + $0.arguments).joined(separator: " ") }.joined(separator: "; ")
    }

    /// el7+: required drivers inside; blacklisted ones either absent or blacklisted on the
    /// capture command line the service will build (KDUMP_COMMANDLINE + _APPEND).
    private static func verifyInitramfs(path: String, modules: [String], _ context: CheckContext,
                                        _ problems: inout ProblemList, _ notes: inout [String]) {
        let present = Set(modules.map(InitrdReader.normalizedModuleName))
        let missing = context.values.requiredInitrdModules.filter { !present.contains(InitrdReader.normalizedModuleName($0)) }
        if !missing.isEmpty { problems.fail("\(path) lacks \(missing.joined(separator: " "))") }
        let sysconfig = context.sysconfig
        let commandLine = KernelCommandLine((sysconfig.commandLine ?? "") + " " + sysconfig.commandLineAppend)
        let blacklisted = Set(commandLine.driverBlacklist().map(InitrdReader.normalizedModuleName))
        var keptOut: [String] = []
        for module in context.values.blacklist {
            let name = InitrdReader.normalizedModuleName(module)
            guard present.contains(name) else { continue }
            if blacklisted.contains(name) {
                keptOut.append(module)
            } else {
                problems.fail("\(path) contains \(module) and the capture command line does not blacklist it (rd.driver.blacklist= in KDUMP_COMMANDLINE_APPEND)")
            }
        }
        if !keptOut.isEmpty {
            notes.append("\(keptOut.joined(separator: " ")) inside the initramfs, kept from loading by rd.driver.blacklist= on the capture command line")
        }
    }
}
