/// `kdump.initrd` and `kdump.initrd_modules` on a kdump-tools guest: /var/lib/kdump/initrd.img-KVER
/// per covered kernel, whether the service will keep it, and what is really inside it.
enum KdumpToolsInitrdCheck {
    /// Presence, plus the first-boot forecast: from 1:1.6.8 the service deletes and rebuilds an
    /// initrd whose `latest_sysctls-KVER` is missing or differs from /etc/kdump/sysctl.conf
    /// (L216–220). Nothing else — not the hardware, not /etc/default/kdump-tools — triggers a
    /// rebuild (L221–222), so an initrd that is present and matched is what Azure boots with.
    static func presence(_ context: CheckContext, _ release: KdumpToolsRelease) -> Finding {
        let kernels = context.selectedKernels
        guard !kernels.isEmpty else {
            return Finding(check: .kdumpInitrd, status: .fail, message: "no installed kernel found (a /boot/vmlinuz-KVER with /lib/modules/KVER)")
        }
        var problems = ProblemList()
        var fine: [String] = []
        var forecasts: [FirstBootRebuild] = []
        for kernel in kernels {
            let path = release.initrdPath(kernel: kernel)
            guard context.facts.kdumpInitrds[path] != nil else {
                forecasts.append(FirstBootRebuild(kernel: kernel, initrd: path, rebuilt: true,
                                                  reasons: ["no kdump initrd: kdump-config builds one with MODULES=dep for the hardware of the first boot"]))
                if context.profile.initrd == .invalidate {
                    fine.append("\(kernel): none, as the profile wants (built at first boot)")
                } else {
                    problems.warn("\(kernel): no \(path); kdump-tools.service builds it at first boot, unverified")
                }
                continue
            }
            let reasons = sysctlMismatch(kernel, release, context.facts)
            forecasts.append(FirstBootRebuild(kernel: kernel, initrd: path, rebuilt: !reasons.isEmpty, reasons: reasons))
            if reasons.isEmpty {
                fine.append("\(kernel): \(path) (kept by kdump-tools.service: latest_sysctls-\(kernel) matches)")
            } else {
                problems.warn("\(kernel): \(path) is thrown away at the first kdump-config load: \(reasons.joined(separator: "; "))")
            }
        }
        var finding = problems.finding(.kdumpInitrd, pass: fine.joined(separator: "; "), path: KdumpToolsRelease.stateDirectory)
        finding.firstBoot = forecasts
        finding.rules = release.summary
        return finding
    }

    /// Why the service will delete `kernel`'s initrd before loading it; empty when it keeps it.
    static func sysctlMismatch(_ kernel: String, _ release: KdumpToolsRelease, _ facts: GuestFacts) -> [String] {
        guard release.rebuildsWhenSysctlsDiffer else { return [] }
        let snapshot = release.latestSysctlsPath(kernel: kernel)
        let current = facts.files[KdumpToolsPaths.kdumpSysctl]?.bytes
        guard let recorded = facts.files[snapshot]?.bytes else {
            return ["\(snapshot) is missing, so kdump-config sees \(KdumpToolsPaths.kdumpSysctl) as changed"]
        }
        return recorded == current ? [] : ["\(snapshot) differs from \(KdumpToolsPaths.kdumpSysctl)"]
    }

    /// The profile's required modules are inside the initrd or built into the kernel
    /// (modules.builtin: nvme is built in on Debian's cloud kernels, L244–246). The initrd is
    /// read on the host from its bytes, whatever initramfs-tools compressed it with.
    static func modules(_ context: CheckContext, _ release: KdumpToolsRelease) -> Finding {
        let required = context.values.requiredInitrdModules
        guard !required.isEmpty else {
            return Finding(check: .kdumpInitrdModules, status: .skip, message: "the profile requires no initrd modules")
        }
        var problems = ProblemList()
        var checked: [String] = []
        var builtInNotes: Set<String> = []
        var lastActual: String?
        for kernel in context.selectedKernels {
            let path = release.initrdPath(kernel: kernel)
            guard let listing = context.facts.kdumpInitrds[path]?.modules else { continue }
            switch listing {
            case .failure(let failure):
                problems.warn("\(path): cannot list modules (\(failure.message))")
            case .success(let modules):
                let present = Set(modules.map(InitrdReader.normalizedModuleName))
                let builtIn = context.facts.builtInModules(of: kernel)
                var missing: [String] = []
                for module in required {
                    let name = InitrdReader.normalizedModuleName(module)
                    if present.contains(name) { continue }
                    if builtIn.contains(name) { builtInNotes.insert(module); continue }
                    missing.append(module)
                }
                if !missing.isEmpty {
                    problems.fail("\(path) lacks \(missing.joined(separator: " ")): the capture kernel cannot reach an Azure disk without them")
                }
                checked.append(kernel)
                lastActual = modules.sorted().joined(separator: " ")
            }
        }
        if checked.isEmpty && problems.failures.isEmpty && problems.warnings.isEmpty {
            return Finding(check: .kdumpInitrdModules, status: .skip, message: "no kdump initrd to inspect yet (see \(CheckID.kdumpInitrd))")
        }
        let notes = builtInNotes.isEmpty ? "" : "; \(builtInNotes.sorted().joined(separator: " ")) built into the kernel"
        var finding = problems.finding(.kdumpInitrdModules, pass: "the kdump initrd of \(checked.joined(separator: ", ")) holds \(required.joined(separator: " "))\(notes)",
                                       path: KdumpToolsRelease.stateDirectory, expected: "contains \(required.joined(separator: " "))", actual: lastActual)
        finding.rules = release.summary
        return finding
    }
}
