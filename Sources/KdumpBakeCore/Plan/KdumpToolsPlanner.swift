/// The plan for a kdump-tools guest (Debian, Ubuntu): the same operations as for the Red Hat
/// families, from kdump-tools' files. Facts cited as L<line> are from
/// ../shared/reference/kdump-other-families.md.
extension PatchPlanner {
    /// The grub.d drop-in that keeps the parameters across update-grub; sorts after the
    /// distro's own drop-ins (kdump-tools.cfg, cloud-image files), so it appends last.
    public static let grubDropIn = "/etc/default/grub.d/99-zz-kdumpbake.cfg"

    func planKdumpTools(_ context: CheckContext, _ release: KdumpToolsRelease) throws -> PatchPlan {
        let facts = context.facts
        for path in [KdumpToolsPaths.kdumpConfig, KdumpToolsPaths.defaults] where facts.files[path]?.bytes == nil {
            throw PatchError.notPatchable(facts.files[path]?.problem.map { "kdump-tools is not usable: \($0)" }
                ?? "kdump-tools is not installed (no \(path)); install kdump-tools in the image first")
        }
        if context.profile.initrd == .rebuild, facts.mtimes[KdumpToolsPaths.mkinitramfs] == nil {
            throw PatchError.notPatchable("no \(KdumpToolsPaths.mkinitramfs) in the guest: install initramfs-tools-core (kdump-tools only recommends it) so a kdump initrd can be built")
        }
        var plan = PatchPlan()
        try planKdumpToolsDefaults(context, release, &plan)
        try planSysctl(context, &plan)
        try planKdumpToolsBoot(context, release, &plan)
        if context.values.enableService == true, !facts.serviceLinks.contains(KdumpToolsPaths.wantsLink) {
            let unit = KdumpToolsPaths.unitCandidates.first { facts.mtimes[$0] != nil } ?? KdumpToolsPaths.unitCandidates[0]
            plan.operations.append(.linkService(ServiceLink(link: KdumpToolsPaths.wantsLink, target: unit)))
        }
        planKdumpToolsInitrds(context, release, &plan)
        return plan
    }

    /// /etc/default/kdump-tools: `USE_KDUMP=1`, `KDUMP_COREDIR`, and `KDUMP_CMDLINE_APPEND` only
    /// when the effective one must change — then as the whole default (it *replaces* kdump-config's
    /// list, L163–166) without `ata_piix.prefer_ms_hyperv=0` (L171–176), plus the profile's words.
    private func planKdumpToolsDefaults(_ context: CheckContext, _ release: KdumpToolsRelease, _ plan: inout PatchPlan) throws {
        let defaults = KdumpToolsDefaults(facts: context.facts)
        let append = defaults.effectiveAppend(release, facts: context.facts)
        var words = append.line.parameters.map(\.raw).filter { word in
            !KernelCommandLine(word).moduleParameter("ata_piix", "prefer_ms_hyperv").contains("0")
        }
        if !append.line.contains(KdumpToolsRelease.dumpUnit) { words.append(KdumpToolsRelease.dumpUnit) }
        words += context.values.commandlineAppend.filter { !append.line.contains($0) }
        let changed = words != append.line.parameters.map(\.raw)
        let keep = !append.isDefault && !changed
        let commandLine = changed || keep ? words.joined(separator: " ") : nil
        let rendered = try TemplateRenderer.render("kdump-tools-defaults.mustache", templates: templates,
                                                   variables: .forProfile(context.profile, commandLine: commandLine))
        var keys: Set<String> = ["USE_KDUMP"]
        if context.values.dumpPath != nil { keys.insert("KDUMP_COREDIR") }
        if commandLine != nil { keys.insert("KDUMP_CMDLINE_APPEND") }
        let block = ManagedBlock(lines: rendered.split(separator: "\n").map(String.init), keys: keys, syntax: .shell)
        try addManagedBlock(KdumpToolsPaths.defaults, block, context, &plan)
    }

    /// crashkernel= (and `panic=` with `boot_panic`) on every normal `linux` line of the
    /// generated grub.cfg — update-grub is never run in the appliance: it probes the appliance's
    /// devices (L266–267) — and in a grub.d drop-in when the defaults lack them, so the next
    /// update-grub keeps them.
    func planKdumpToolsBoot(_ context: CheckContext, _ release: KdumpToolsRelease, _ plan: inout PatchPlan) throws {
        var parameters: [String] = []
        if context.values.ensureCrashkernel, let wanted = context.values.crashkernel,
           KdumpToolsBootCheck.run(context, release).status == .fail {
            parameters.append("crashkernel=" + (wanted == "any" ? release.defaultCrashkernel : wanted))
        }
        if let panic = context.values.bootPanicParameter { parameters.append(panic) }
        guard !parameters.isEmpty else { return }
        if let current = try usableContents(KdumpToolsPaths.grubConfig, context) {
            let edited = BootParameterEdit.grubNormalEntries(String(decoding: current, as: UTF8.self), adding: parameters)
            try addChange(KdumpToolsPaths.grubConfig, .lineEdit, Array(edited.utf8), context, &plan)
        }
        // Against the other files only: the drop-in holds everything they lack, so a second
        // run renders it the same and a profile that gains a parameter extends it.
        let others = GrubDefaults.sourcingOrder(context.facts.files.keys).filter { $0 != Self.grubDropIn }
        let defaults = GrubDefaults(files: others.compactMap { path in context.facts.text(path).map { (path, $0) } }).normalEntryCommandLine
        let missing = parameters.filter { !defaults.hasKey(KernelCommandLine($0).parameters.first?.key ?? $0) }
        guard !missing.isEmpty else { return }
        var variables = TemplateVariables.forProfile(context.profile)
        variables.scalars["boot_parameters"] = missing.joined(separator: " ")
        let rendered = try TemplateRenderer.render("grub-kdumpbake.cfg.mustache", templates: templates, variables: variables)
        try addChange(Self.grubDropIn, .replace, Array(rendered.utf8), context, &plan)
    }

    /// One bake per covered kernel, unless its initrd is verified and the service keeps it at
    /// first boot. None of the files a patch writes is an input of the initrd (only
    /// /etc/kdump/sysctl.conf and initramfs-tools' configuration are, L216–222), so writing them
    /// does not force a rebuild as kdump.conf does on the Red Hat families.
    private func planKdumpToolsInitrds(_ context: CheckContext, _ release: KdumpToolsRelease, _ plan: inout PatchPlan) {
        let modulesOK = KdumpToolsInitrdCheck.modules(context, release).status == .pass
        let initrds = context.selectedKernels.map { ($0, release.initrdPath(kernel: $0)) }
        planInitrdPolicy(context, initrds, &plan, isVerified: { kernel, _ in
            modulesOK && KdumpToolsInitrdCheck.sysctlMismatch(kernel, release, context.facts).isEmpty
        }) { kernel, _ in
            KdumpToolsInitrdBake.rebuild(kernel: kernel, release: release, modules: context.values.requiredInitrdModules)
        }
    }
}
