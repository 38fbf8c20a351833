/// The guest checks of a kdump-tools guest (Debian, Ubuntu): the same check ids, in the same
/// order, as the Red Hat families, answered from kdump-tools' own files. Facts cited as L<line>
/// are from ../shared/reference/kdump-other-families.md.
enum KdumpToolsChecks {
    static func run(_ context: CheckContext, _ release: KdumpToolsRelease) -> [Finding] {
        [
            SysctlCheck.run(context),
            installed(context),
            config(context, release),
            KdumpToolsInitrdCheck.presence(context, release),
            KdumpToolsInitrdCheck.modules(context, release),
            KdumpToolsBootCheck.run(context, release),
            service(context),
        ]
    }

    /// `kdump.installed`: kdump-config and its settings file, and initramfs-tools' mkinitramfs —
    /// only Recommended by kdump-tools, and without it no kdump initrd is ever built and
    /// `kdump-config load` fails with "KDUMP_INITRD does not exist" (L204–205, L362–366).
    static func installed(_ context: CheckContext) -> Finding {
        let facts = context.facts
        var problems = ProblemList()
        for path in [KdumpToolsPaths.kdumpConfig, KdumpToolsPaths.defaults] where facts.files[path]?.bytes == nil {
            problems.fail((facts.files[path]?.problem ?? "\(path) is missing") + ": kdump-tools is not installed")
        }
        if problems.failures.isEmpty, facts.mtimes[KdumpToolsPaths.mkinitramfs] == nil {
            problems.fail("no \(KdumpToolsPaths.mkinitramfs): initramfs-tools-core is missing, so kdump-tools cannot build a kdump initrd and `kdump-config load` fails")
        }
        var finding = problems.finding(.kdumpInstalled, pass: "kdump-tools present (\(KdumpToolsPaths.kdumpConfig), \(KdumpToolsPaths.defaults), \(KdumpToolsPaths.mkinitramfs))",
                                       path: KdumpToolsPaths.kdumpConfig)
        finding.rules = context.kdumpTools?.summary
        return finding
    }

    /// `kdump.config`: /etc/default/kdump-tools as the service will use it — the capture command
    /// line (a set `KDUMP_CMDLINE_APPEND` replaces the whole default, L163–166), no
    /// `ata_piix.prefer_ms_hyperv=0` (L171–176), the profile's parameters, the dump directory.
    static func config(_ context: CheckContext, _ release: KdumpToolsRelease) -> Finding {
        let path = KdumpToolsPaths.defaults
        guard context.facts.files[path]?.bytes != nil else {
            return Finding(check: .kdumpConfig, status: .fail, message: context.facts.files[path]?.problem ?? "\(path) is missing", path: path)
        }
        let defaults = KdumpToolsDefaults(facts: context.facts)
        let append = defaults.effectiveAppend(release, facts: context.facts)
        let origin = append.isDefault ? "kdump-config's default KDUMP_CMDLINE_APPEND" : "KDUMP_CMDLINE_APPEND (line \(defaults.commandLineAppend?.line ?? 0))"
        var problems = ProblemList()
        if defaults.commandLineAppend?.hasExpansion == true {
            problems.warn("KDUMP_CMDLINE_APPEND uses shell expansion; kdumpbake reads it literally: '\(Finding.excerpt(append.text))'")
        }
        if !append.isDefault, !append.line.contains(KdumpToolsRelease.dumpUnit) {
            problems.fail("\(origin) replaces kdump-config's default and lacks \(KdumpToolsRelease.dumpUnit): the capture kernel boots into the normal default target and never saves the dump")
        }
        if append.line.moduleParameter("ata_piix", "prefer_ms_hyperv").contains("0") {
            problems.fail("\(origin) has ata_piix.prefer_ms_hyperv=0, which keeps the capture kernel off hv_storvsc on current Azure hosts (kdump-tools dropped it from its default in 1:1.7)")
        }
        let missing = context.values.commandlineAppend.filter { !append.line.contains($0) }
        if !missing.isEmpty {
            problems.fail("\(origin) lacks \(missing.joined(separator: " "))")
        }
        if let wanted = context.values.dumpPath, defaults.coreDirectory != wanted {
            problems.fail("KDUMP_COREDIR is \(Finding.excerpt(defaults.coreDirectory)), expected \(wanted)")
        }
        var finding = problems.finding(.kdumpConfig, pass: "the capture kernel gets '\(Finding.excerpt(append.text))' (\(append.isDefault ? "kdump-config's default" : "set in \(path)")); dumps go to \(defaults.coreDirectory)",
                                       path: path, actual: append.text)
        finding.rules = release.summary
        return finding
    }

    /// `kdump.enabled`: `USE_KDUMP` non-zero and kdump-tools.service wanted by basic.target (L229–231).
    static func service(_ context: CheckContext) -> Finding {
        guard context.values.enableService == true else {
            return Finding(check: .kdumpEnabled, status: .skip, message: "the profile does not require the kdump service")
        }
        let defaults = KdumpToolsDefaults(facts: context.facts)
        var problems = ProblemList()
        if !defaults.isEnabled {
            problems.fail("USE_KDUMP is \(defaults.useKdump.map { "'\(Finding.excerpt($0))'" } ?? "not set") in \(KdumpToolsPaths.defaults): kdump-config refuses to load (\"USE_KDUMP is not set or zero\")")
        }
        if !context.facts.serviceLinks.contains(KdumpToolsPaths.wantsLink) {
            problems.fail("kdump-tools.service is not enabled (no \(KdumpToolsPaths.wantsLink); systemctl enable kdump-tools)")
        }
        return problems.finding(.kdumpEnabled, pass: "kdump-tools.service is enabled (basic.target) and USE_KDUMP=\(defaults.useKdump ?? "")",
                                path: KdumpToolsPaths.wantsLink, expected: "enabled", actual: problems.failures.isEmpty ? "enabled" : "disabled")
    }
}
