/// The guest checks of a SLES guest (SUSE's `kdump` package): the same check ids, in the same
/// order, as the other families, from /etc/sysconfig/kdump, SUSE's kdump initrd and grub2.
/// Facts cited as L<line> are from ../shared/reference/kdump-other-families.md.
enum SlesChecks {
    static func run(_ context: CheckContext, _ release: SuseKdumpRelease) -> [Finding] {
        [
            SysctlCheck.run(context),
            installed(context, release),
            config(context, release),
            SlesInitrdCheck.presence(context, release),
            SlesInitrdCheck.modules(context, release),
            CrashkernelCheck.run(context),
            KdumpServiceCheck.run(context),
        ]
    }

    static func installed(_ context: CheckContext, _ release: SuseKdumpRelease) -> Finding {
        var problems = ProblemList()
        if context.facts.mkdumprdPath == nil {
            problems.fail("no mkdumprd in \(GuestPaths.mkdumprdCandidates.joined(separator: " or ")): the kdump package is not installed")
        }
        if context.facts.files[GuestPaths.sysconfigKdump]?.bytes == nil {
            problems.fail((context.facts.files[GuestPaths.sysconfigKdump]?.problem ?? "\(GuestPaths.sysconfigKdump) is missing") + ": the kdump package is not installed")
        }
        var finding = problems.finding(.kdumpInstalled, pass: "kdump present (\(context.facts.mkdumprdPath ?? ""), \(GuestPaths.sysconfigKdump))",
                                       path: GuestPaths.sysconfigKdump)
        finding.rules = release.summary
        return finding
    }

    /// `kdump.config`: /etc/sysconfig/kdump as load.sh reads it. Nothing in it is fatal to SUSE's
    /// tools (L285–287), so the check is about what the capture boot does: where it saves, and a
    /// command line without KB2858695's `ata_piix.prefer_ms_hyperv=0`, meant for SLES 11 on old
    /// hosts and wrong on SLES 12/15 (L293–294).
    static func config(_ context: CheckContext, _ release: SuseKdumpRelease) -> Finding {
        let path = GuestPaths.sysconfigKdump
        guard let text = context.facts.text(path) else {
            return Finding(check: .kdumpConfig, status: .fail, message: context.facts.files[path]?.problem ?? "\(path) is missing", path: path)
        }
        let settings = ShellAssignments.parse(text)
        let append = KernelCommandLine(settings.value("KDUMP_COMMANDLINE_APPEND") ?? "")
        let saveDir = settings.value("KDUMP_SAVEDIR").flatMap { $0.isEmpty ? nil : $0 } ?? release.defaultSaveDirectory
        var problems = ProblemList()
        if append.moduleParameter("ata_piix", "prefer_ms_hyperv").contains("0") {
            problems.fail("KDUMP_COMMANDLINE_APPEND has ata_piix.prefer_ms_hyperv=0 (KB2858695's SLES 11 advice), which keeps the capture kernel off hv_storvsc on SLES 12/15 and current Azure hosts")
        }
        let missing = context.values.commandlineAppend.filter { !append.contains($0) }
        if !missing.isEmpty { problems.fail("KDUMP_COMMANDLINE_APPEND lacks \(missing.joined(separator: " "))") }
        if let wanted = context.values.dumpPath, SuseKdumpRelease.savedDirectory(saveDir) != wanted {
            problems.fail("KDUMP_SAVEDIR is \(Finding.excerpt(saveDir)), expected \(wanted)")
        }
        var finding = problems.finding(.kdumpConfig, pass: "dumps go to \(saveDir); the capture kernel gets load.sh's command line plus '\(Finding.excerpt(append.description))'",
                                       path: path, actual: append.description)
        finding.rules = release.summary
        return finding
    }
}

/// `kdump.initrd` and `kdump.initrd_modules` on SLES.
enum SlesInitrdCheck {
    /// The kernels SUSE's initrd serves: every covered one before 2.0, the default one on 2.0.
    static func kernels(_ context: CheckContext, _ release: SuseKdumpRelease) -> [String] {
        guard !release.initrdPerKernel else { return context.selectedKernels }
        let boot = BootConfiguration(facts: context.facts, family: .sles)
        if let kernel = boot.defaultEntry?.kernelVersion, context.facts.kernels.contains(kernel) { return [kernel] }
        return Array(GuestFacts.newest(1, of: context.facts.kernels))
    }

    static func presence(_ context: CheckContext, _ release: SuseKdumpRelease) -> Finding {
        let kernels = kernels(context, release)
        guard !kernels.isEmpty else {
            return Finding(check: .kdumpInitrd, status: .fail, message: "no installed kernel found (a /boot/vmlinuz-KVER with /lib/modules/KVER)")
        }
        let configTime = context.facts.mtime(of: GuestPaths.sysconfigKdump)
        var problems = ProblemList()
        var fine: [String] = []
        var forecasts: [FirstBootRebuild] = []
        for kernel in kernels {
            let path = release.initrdPath(kernel: kernel)
            guard let initrd = context.facts.kdumpInitrds[path] else {
                forecasts.append(FirstBootRebuild(kernel: kernel, initrd: path, rebuilt: true, reasons: ["no kdump initrd: kdump.service builds it at first boot"]))
                problems.warn("\(kernel): no \(path); kdump.service builds it at first boot, unverified")
                continue
            }
            if let configTime, let built = initrd.mtime, configTime > built {
                forecasts.append(FirstBootRebuild(kernel: kernel, initrd: path, rebuilt: true, reasons: ["\(GuestPaths.sysconfigKdump) is newer"]))
                problems.warn("\(kernel): \(path) is older than \(GuestPaths.sysconfigKdump); kdump.service rebuilds it at first boot, unverified")
                continue
            }
            // No hardware check exists (L321–322): what was verified here is what Azure boots.
            forecasts.append(FirstBootRebuild(kernel: kernel, initrd: path, rebuilt: false, reasons: []))
            fine.append("\(kernel): \(path) (kept by kdump.service at first boot)")
        }
        var finding = problems.finding(.kdumpInitrd, pass: fine.joined(separator: "; "), path: release.initrdPerKernel ? "/boot" : "/var/lib/kdump")
        finding.firstBoot = forecasts
        finding.rules = release.summary
        return finding
    }

    static func modules(_ context: CheckContext, _ release: SuseKdumpRelease) -> Finding {
        RequiredModulesCheck.run(context, initrds: kernels(context, release).map { ($0, release.initrdPath(kernel: $0)) },
                                 rules: release.summary, path: nil,
                                 why: "dracut's hostonly mode only takes the build machine's drivers, so they must be named (add_drivers+= in /etc/dracut.conf.d)")
    }
}
