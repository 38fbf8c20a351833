/// `kdump.initrd`: every covered kernel has its kdump initrd under the release's file name in
/// KDUMP_BOOTDIR, built after its inputs — and, per kernel, whether the guest's kdump service
/// will replace it at the first start on Azure, and why (`first_boot`).
///
/// A replacement is information, not a failure: the offline rebuild proved that this
/// configuration builds with the guest's own mkdumprd, and the service rebuilds with the same
/// kdump.conf on the real hardware. A *missing* or *stale* initrd is a warning: nothing verified it.
enum KdumpInitrdCheck {
    static let presenceID = CheckID.kdumpInitrd
    static let modulesID = CheckID.kdumpInitrdModules

    static func presence(_ context: CheckContext) -> Finding {
        let kernels = context.selectedKernels
        guard !kernels.isEmpty else {
            return Finding(check: presenceID, status: .fail, message: "no installed kernel found (a /boot/vmlinuz-KVER with /lib/modules/KVER)")
        }
        let release = context.release
        let sysconfig = context.sysconfig
        let conf = context.kdumpConf ?? KdumpConf(directives: [])
        var problems = ProblemList()
        var fine: [String] = []
        var forecasts: [FirstBootRebuild] = []
        for kernel in kernels {
            let path = release.initrdPath(kernel: kernel, sysconfig: sysconfig)
            let forecast = release.firstBoot(kernel: kernel, facts: context.facts, conf: conf, sysconfig: sysconfig)
            forecasts.append(forecast)
            guard let initrd = context.facts.kdumpInitrds[path] else {
                if context.profile.initrd == .invalidate {
                    fine.append("\(kernel): none, as the profile wants (built at first boot)")
                } else {
                    problems.warn("\(kernel): no \(path); the kdump service builds it at first boot, unverified")
                }
                continue
            }
            let stale = release.staleInputs(kernel: kernel, initrd: initrd, conf: conf, sysconfig: sysconfig, facts: context.facts)
            if !stale.isEmpty {
                problems.warn("\(kernel): \(path) is older than \(stale.joined(separator: ", ")); the kdump service rebuilds it at first boot, unverified")
            } else {
                fine.append("\(kernel): \(path)" + firstBootNote(forecast))
            }
        }
        let beyond = context.kernelsBeyondCap
        if !beyond.isEmpty {
            let named = beyond.prefix(5).joined(separator: ", ") + (beyond.count > 5 ? " and \(beyond.count - 5) more" : "")
            problems.warn("\(kernels.count + beyond.count) kernels installed, max_kernels is \(context.profile.maxKernels): only the newest \(kernels.count) are covered; \(named) keep their kdump initrd as it is")
        }
        var finding = problems.finding(presenceID, pass: fine.joined(separator: "; "), path: sysconfig.bootDirectory)
        finding.firstBoot = forecasts
        finding.rules = release.summary
        return finding
    }

    /// What the text report says after a verified initrd: kept, or rebuilt and why.
    private static func firstBootNote(_ forecast: FirstBootRebuild) -> String {
        guard forecast.rebuilt else {
            return forecast.reasons.isEmpty ? " (kept by the kdump service at first boot)" : " (kept at first boot: \(forecast.reasons.joined(separator: "; ")))"
        }
        return " (verified offline; the kdump service rebuilds it at first boot with the same kdump.conf: \(forecast.reasons.joined(separator: "; ")))"
    }
}
