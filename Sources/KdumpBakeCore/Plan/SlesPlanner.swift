/// The plan for a SLES guest (SUSE's `kdump`). Facts cited as L<line> are from
/// ../shared/reference/kdump-other-families.md, SLES section.
extension PatchPlanner {
    func planSles(_ context: CheckContext, _ release: SuseKdumpRelease) throws -> PatchPlan {
        let facts = context.facts
        guard let mkdumprd = facts.mkdumprdPath, facts.files[GuestPaths.sysconfigKdump]?.bytes != nil else {
            throw PatchError.notPatchable(facts.files[GuestPaths.sysconfigKdump]?.problem.map { "kdump is not usable: \($0)" }
                ?? "the kdump package is not installed (no mkdumprd, no \(GuestPaths.sysconfigKdump)); install it in the image first")
        }
        var plan = PatchPlan()
        try planSlesSysconfig(context, release, &plan)
        try planSlesDracut(context, &plan)
        try planSysctl(context, &plan)
        try planSlesBoot(context, &plan)
        if context.values.enableService == true, !facts.serviceLinks.contains(GuestPaths.kdumpWantsLink) {
            plan.operations.append(.linkService(.systemd))
        }
        planSlesInitrds(context, release, mkdumprd: mkdumprd, configChanged: !plan.fileChanges.isEmpty, &plan)
        return plan
    }

    /// KDUMP_SAVEDIR in the release's form, and KDUMP_COMMANDLINE_APPEND *appended to* — load.sh
    /// builds the capture command line itself and adds this variable (L288–292) — without
    /// `ata_piix.prefer_ms_hyperv=0` (L293–294).
    private func planSlesSysconfig(_ context: CheckContext, _ release: SuseKdumpRelease, _ plan: inout PatchPlan) throws {
        let settings = ShellAssignments.parse(context.facts.text(GuestPaths.sysconfigKdump) ?? "")
        let existing = settings.value("KDUMP_COMMANDLINE_APPEND") ?? ""
        let kept = KernelCommandLine(existing).parameters.map(\.raw).filter { word in
            !KernelCommandLine(word).moduleParameter("ata_piix", "prefer_ms_hyperv").contains("0")
        }
        let merged = CommandLineMerge.merge(existing: kept.joined(separator: " "), parameters: context.values.commandlineAppend, blacklist: [])
        var lines = ["# kdump settings required by profile \(context.profile.name) (kdumpbake)."]
        var keys: Set<String> = []
        if let path = context.values.dumpPath {
            lines.append("KDUMP_SAVEDIR=\"\(release.generation == .v2_0 ? path : "file://" + path)\"")
            keys.insert("KDUMP_SAVEDIR")
        }
        if merged != existing {
            lines.append("KDUMP_COMMANDLINE_APPEND=\"\(merged)\"")
            keys.insert("KDUMP_COMMANDLINE_APPEND")
        }
        guard !keys.isEmpty else { return }
        try addManagedBlock(GuestPaths.sysconfigKdump, ManagedBlock(lines: lines, keys: keys, syntax: .shell), context, &plan)
    }

    /// The Azure drivers for every dracut run, mkdumprd's included (L127–129, L334–337): hostonly
    /// mode in the appliance would only take QEMU's.
    private func planSlesDracut(_ context: CheckContext, _ plan: inout PatchPlan) throws {
        let modules = context.values.requiredInitrdModules
        guard !modules.isEmpty else { return }
        let text = "# Drivers the kdump initrd needs on Azure (kdumpbake, profile \(context.profile.name)).\nadd_drivers+=\" \(modules.joined(separator: " ")) \"\n"
        try addChange(SuseKdumpRelease.dracutDropIn, .replace, Array(text.utf8), context, &plan)
    }

    /// crashkernel= with explicit sizes (never a calibration in the appliance, L304–305, L339–341)
    /// and `panic=` with `boot_panic`, on every `linux` line of grub.cfg and in
    /// GRUB_CMDLINE_LINUX_DEFAULT, where YaST puts them (L298–301).
    func planSlesBoot(_ context: CheckContext, _ plan: inout PatchPlan) throws {
        var parameters: [String] = []
        if context.values.ensureCrashkernel, let wanted = context.values.crashkernel, CrashkernelCheck.run(context).status == .fail {
            parameters += (wanted == "any" ? SuseKdumpRelease.defaultCrashkernel : [wanted]).map { "crashkernel=" + $0 }
        }
        if let panic = context.values.bootPanicParameter { parameters.append(panic) }
        guard !parameters.isEmpty else { return }
        if let current = try usableContents(GuestPaths.grub2Config, context) {
            let edited = BootParameterEdit.grubLinuxLines(String(decoding: current, as: UTF8.self), adding: parameters, skipRecovery: false)
            try addChange(GuestPaths.grub2Config, .lineEdit, Array(edited.utf8), context, &plan)
        }
        if let current = try usableContents(GuestPaths.defaultGrub, context) {
            let edited = BootParameterEdit.shellVariable(String(decoding: current, as: UTF8.self), "GRUB_CMDLINE_LINUX_DEFAULT", adding: parameters)
            try addChange(GuestPaths.defaultGrub, .lineEdit, Array(edited.utf8), context, &plan)
        }
    }

    /// `mkdumprd -f -k KVER` per covered kernel (2.0: the default kernel's one initrd).
    private func planSlesInitrds(_ context: CheckContext, _ release: SuseKdumpRelease, mkdumprd: String, configChanged: Bool, _ plan: inout PatchPlan) {
        let verified = !configChanged && SlesInitrdCheck.modules(context, release).status == .pass
            && SlesInitrdCheck.presence(context, release).status == .pass
        let initrds = SlesInitrdCheck.kernels(context, release).map { ($0, release.initrdPath(kernel: $0)) }
        planInitrdPolicy(context, initrds, &plan, isVerified: { _, _ in verified }) { kernel, path in
            InitrdRebuild(kernel: kernel, initrdPath: path, arguments: release.mkdumprdArguments(mkdumprd: mkdumprd, kernel: kernel))
        }
    }
}
