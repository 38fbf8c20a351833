/// `kdump.initrd` and `kdump.initrd_modules`: every covered kernel has its kdump initrd under
/// the family's file name, current (else the kdump service rebuilds it at first boot, on
/// hardware nobody verified), with the modules the capture kernel needs and without the ones
/// it must not load.
enum KdumpInitrdCheck {
    static let presenceID = "kdump.initrd"
    static let modulesID = "kdump.initrd_modules"

    static func presence(_ context: CheckContext) -> Finding {
        let kernels = context.selectedKernels
        guard !kernels.isEmpty else {
            return Finding(check: presenceID, status: .fail, message: "no installed kernel found (a /boot/vmlinuz-KVER with /lib/modules/KVER)")
        }
        let configTime = [GuestPaths.kdumpConf, GuestPaths.sysconfigKdump].compactMap { context.facts.files[$0]?.mtime }.max()
        var problems = ProblemList()
        var fine: [String] = []
        for kernel in kernels {
            let path = GuestPaths.kdumpInitrd(kernel: kernel, family: context.family)
            guard let initrd = context.facts.kdumpInitrds[path] else {
                if context.profile.initrd == .invalidate {
                    fine.append("\(kernel): none, as the profile wants (built at first boot)")
                } else {
                    problems.warn("\(kernel): no \(path); the kdump service builds it at first boot, unverified")
                }
                continue
            }
            if let configTime, let built = initrd.mtime, built < configTime {
                problems.warn("\(kernel): \(path) is older than the kdump configuration; the kdump service rebuilds it at first boot, unverified")
            } else {
                fine.append("\(kernel): \(path)")
            }
        }
        return problems.finding(presenceID, pass: fine.joined(separator: "; "), path: "/boot")
    }

    static func modules(_ context: CheckContext) -> Finding {
        let required = context.values.requiredInitrdModules
        let forbidden = context.values.blacklist
        guard !required.isEmpty || !forbidden.isEmpty else {
            return Finding(check: modulesID, status: .skip, message: "the profile requires no initrd modules")
        }
        // el6's mkdumprd matches file names exactly; dracut (el7+) treats - and _ alike.
        let family = context.family
        let normalize: (String) -> String = { family == .el6 ? $0 : InitrdReader.normalizedModuleName($0) }
        var problems = ProblemList()
        var checked: [String] = []
        var lastActual: String?
        for kernel in context.selectedKernels {
            let path = GuestPaths.kdumpInitrd(kernel: kernel, family: context.family)
            guard let initrd = context.facts.kdumpInitrds[path], let listing = initrd.modules else { continue }
            switch listing {
            case .failure(let failure):
                problems.warn("\(path): cannot list modules (\(failure.message))")
            case .success(let modules):
                let present = Set(modules.map(normalize))
                let missing = required.filter { !present.contains(normalize($0)) }
                let unwanted = forbidden.filter { present.contains(normalize($0)) }
                if !missing.isEmpty { problems.fail("\(path) lacks \(missing.joined(separator: " "))") }
                if !unwanted.isEmpty { problems.fail("\(path) contains blacklisted \(unwanted.joined(separator: " "))") }
                checked.append(kernel)
                lastActual = modules.sorted().joined(separator: " ")
            }
        }
        if checked.isEmpty && problems.failures.isEmpty && problems.warnings.isEmpty {
            return Finding(check: modulesID, status: .skip, message: "no kdump initrd to inspect yet (see kdump.initrd)")
        }
        let expected = (required.isEmpty ? [] : ["contains \(required.joined(separator: " "))"]) + (forbidden.isEmpty ? [] : ["lacks \(forbidden.joined(separator: " "))"])
        return problems.finding(modulesID, pass: "kdump initrd modules as required for \(checked.joined(separator: ", "))",
                                path: "/boot", expected: expected.joined(separator: "; "), actual: lastActual)
    }
}
