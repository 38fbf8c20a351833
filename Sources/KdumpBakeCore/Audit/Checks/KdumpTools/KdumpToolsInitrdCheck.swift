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

    static func modules(_ context: CheckContext, _ release: KdumpToolsRelease) -> Finding {
        RequiredModulesCheck.run(context, initrds: context.selectedKernels.map { ($0, release.initrdPath(kernel: $0)) },
                                 rules: release.summary, path: KdumpToolsRelease.stateDirectory,
                                 why: "the capture kernel cannot reach an Azure disk without them")
    }
}
