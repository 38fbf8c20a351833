/// Decides the plan for one guest: a pure function of its facts, its profile and the templates.
public struct PatchPlanner {
    public var templates: TemplateSet

    public init(templates: TemplateSet) { self.templates = templates }

    /// The sysctl.d file el7+ guests get: sorts after CentOS's 99-sysctl.conf, so it wins.
    public static let sysctlDropIn = "/etc/sysctl.d/99-zz-kdumpbake.conf"

    public func plan(facts: GuestFacts, profile: Profile) throws -> PatchPlan {
        let context = CheckContext(facts: facts, profile: profile)
        if profile.kdump == .disabled { return try planPanicOnly(context) }
        if let kdumpTools = context.kdumpTools { return try planKdumpTools(context, kdumpTools) }
        if let suseKdump = context.suseKdump { return try planSles(context, suseKdump) }
        guard let mkdumprd = facts.mkdumprdPath, facts.files[GuestPaths.kdumpConf]?.bytes != nil else {
            throw PatchError.notPatchable(facts.files[GuestPaths.kdumpConf]?.problem.map { "kexec-tools is not usable: \($0)" }
                ?? "kexec-tools is not installed (no mkdumprd, no \(GuestPaths.kdumpConf)); install it in the image first")
        }
        // Each step appends its operations: the order of these calls is the order they run
        // and the report lists them. Files before links before initrds (see `PatchPlan`).
        var plan = PatchPlan()
        try planKdumpConf(context, &plan)
        try planSysctl(context, &plan)
        try planSysconfig(context, &plan)
        try planBootParameters(context, &plan)
        planService(context, &plan)
        planInitrds(context, mkdumprd: mkdumprd, configChanged: !plan.fileChanges.isEmpty, &plan)
        return plan
    }

    /// A panic-only profile (`kdump: disabled`): kernel.panic and `boot_panic`'s panic=, nothing
    /// of kdump — no kdump file, service or initrd is touched.
    private func planPanicOnly(_ context: CheckContext) throws -> PatchPlan {
        var plan = PatchPlan()
        try planSysctl(context, &plan)
        if let release = context.kdumpTools {
            try planKdumpToolsBoot(context, release, &plan)
        } else if context.suseKdump != nil {
            try planSlesBoot(context, &plan)
        } else {
            try planBootParameters(context, &plan)
        }
        return plan
    }

    private func planKdumpConf(_ context: CheckContext, _ plan: inout PatchPlan) throws {
        let template = context.release.kdumpConfTemplate
        let rendered = try TemplateRenderer.render(template, templates: templates, variables: .forProfile(context.profile, release: context.release))
        switch context.profile.files.kdumpConf {
        case .replace:
            try addChange(GuestPaths.kdumpConf, .replace, Array(rendered.utf8), context, &plan)
        case .managedBlock:
            let lines = rendered.split(separator: "\n").map(String.init)
            let keys = Set(KdumpConf.parse(rendered).directives.map(\.name))
            try addManagedBlock(GuestPaths.kdumpConf, ManagedBlock(lines: lines, keys: keys, syntax: .kdumpConf), context, &plan)
        }
    }

    func planSysctl(_ context: CheckContext, _ plan: inout PatchPlan) throws {
        guard context.values.panicTimeout != nil else { return }
        let rendered = try TemplateRenderer.render("sysctl-panic.conf.mustache", templates: templates, variables: .forProfile(context.profile))
        if context.family == .el6, context.profile.files.sysctl == .managedBlock {
            let block = ManagedBlock(lines: rendered.split(separator: "\n").map(String.init), keys: ["kernel.panic"], syntax: .sysctl)
            try addManagedBlock(GuestPaths.sysctlConf, block, context, &plan)
        } else if context.family == .el6 {
            try addChange(GuestPaths.sysctlConf, .replace, Array(rendered.utf8), context, &plan)
        } else {
            try addChange(Self.sysctlDropIn, .replace, Array(rendered.utf8), context, &plan)
        }
    }

    /// KDUMP_COMMANDLINE_APPEND keeps the guest's parameters and gains the profile's.
    private func planSysconfig(_ context: CheckContext, _ plan: inout PatchPlan) throws {
        let required = KdumpConfigCheck.requiredCommandLine(context)
        guard !required.parameters.isEmpty || !required.blacklist.isEmpty else { return }
        let existing = context.facts.text(GuestPaths.sysconfigKdump).flatMap { ShellAssignments.parse($0).value("KDUMP_COMMANDLINE_APPEND") } ?? ""
        let merged = CommandLineMerge.merge(existing: existing, parameters: required.parameters, blacklist: required.blacklist)
        let rendered = try TemplateRenderer.render("sysconfig-kdump.mustache", templates: templates,
                                                   variables: .forProfile(context.profile, release: context.release, commandLine: merged))
        let block = ManagedBlock(lines: rendered.split(separator: "\n").map(String.init), keys: ["KDUMP_COMMANDLINE_APPEND"], syntax: .shell)
        try addManagedBlock(GuestPaths.sysconfigKdump, block, context, &plan)
    }

    private func planService(_ context: CheckContext, _ plan: inout PatchPlan) {
        guard context.values.enableService == true, KdumpServiceCheck.run(context).status == .fail else { return }
        if context.family == .el6 {
            for level in [3, 5] where !context.facts.serviceLinks.contains(where: { $0.hasPrefix("/etc/rc.d/rc\(level).d/S") }) {
                plan.operations.append(.linkService(.sysV(runlevel: level)))
            }
        } else {
            plan.operations.append(.linkService(.systemd))
        }
    }

    private func planInitrds(_ context: CheckContext, mkdumprd: String, configChanged: Bool, _ plan: inout PatchPlan) {
        let verified = !configChanged && KdumpInitrdCheck.modules(context).status == .pass && KdumpInitrdCheck.presence(context).status == .pass
        let release = context.release
        let sysconfig = context.sysconfig
        let initrds = context.selectedKernels.map { ($0, release.initrdPath(kernel: $0, sysconfig: sysconfig)) }
        planInitrdPolicy(context, initrds, &plan, isVerified: { _, _ in verified }) { kernel, path in
            InitrdRebuild(kernel: kernel, initrdPath: path,
                          arguments: release.mkdumprdArguments(mkdumprd: mkdumprd, image: path, kernel: kernel, sysconfig: sysconfig))
        }
    }

    /// The profile's `initrd` policy for each (kernel, initrd path), the same for every family:
    /// `keep` does nothing; `invalidate` removes an existing initrd so the kdump service builds
    /// one at first boot on the real hardware; `rebuild` rebuilds it unless it exists and
    /// `isVerified` — then the report says it was kept. Kept initrds go after the rebuilds, as
    /// the report has always listed them: first what runs, then what is left alone.
    func planInitrdPolicy(_ context: CheckContext, _ initrds: [(kernel: String, path: String)], _ plan: inout PatchPlan,
                          isVerified: (String, String) -> Bool, rebuild: (String, String) -> InitrdRebuild) {
        var kept: [PatchOperation] = []
        for (kernel, path) in initrds {
            let present = context.facts.kdumpInitrds[path] != nil
            switch context.profile.initrd {
            case .keep:
                continue
            case .invalidate:
                if present { plan.operations.append(.removeInitrd(path: path)) }
            case .rebuild:
                if present, isVerified(kernel, path) {
                    kept.append(.keepInitrd(kernel: kernel))
                } else {
                    plan.operations.append(.rebuildInitrd(rebuild(kernel, path)))
                }
            }
        }
        plan.operations += kept
    }

    func addManagedBlock(_ path: String, _ block: ManagedBlock, _ context: CheckContext, _ plan: inout PatchPlan) throws {
        let current = try usableContents(path, context)
        do {
            try addChange(path, .managedBlock, try block.apply(to: current ?? []), context, &plan)
        } catch let error as ManagedBlockError {
            throw PatchError.notPatchable("\(path): \(error)")
        }
    }

    /// Records a change unless the file already has exactly these bytes.
    func addChange(_ path: String, _ strategy: FileChange.Strategy, _ bytes: [UInt8], _ context: CheckContext, _ plan: inout PatchPlan) throws {
        let current = try usableContents(path, context)
        guard current != bytes else { return }
        let file = context.facts.files[path]
        plan.operations.append(.writeFile(FileChange(path: path, writePath: file?.resolvedPath ?? path, strategy: strategy, old: current, new: bytes)))
    }

    /// The current bytes of a file the plan may rewrite; refuses files that are not regular
    /// (a kdump.conf linking to /dev/zero), too large, or masked, rather than write through them.
    func usableContents(_ path: String, _ context: CheckContext) throws -> [UInt8]? {
        guard let file = context.facts.files[path] else { return nil }
        switch file.state {
        case .read(let bytes): return bytes
        case .missing: return nil
        case .masked, .notRegular, .tooLarge: throw PatchError.notPatchable(file.problem ?? path)
        }
    }
}

/// Why an image was not patched.
public enum PatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The guest cannot be patched as it is (no kexec-tools, a hostile configuration file…).
    case notPatchable(String)
    /// A step failed; nothing was committed.
    case stepFailed(String)
    /// A kdump initrd build failed or was stopped at its limit (the message names each such
    /// kernel); the results of every build of the image so far go into the report.
    case rebuildFailed(String, [InitrdRebuildResult])
    /// The patched guest did not pass the audit; nothing was committed.
    case verificationFailed([Finding])
    /// SIGINT or SIGTERM arrived before the commit; nothing was committed.
    case interrupted(Int32)
    /// No supported guest on the image and the manifest says `unmatched: skip`.
    case unmatchedSkipped(String)
    /// `--output` could not be written on the host (disk full, I/O error); the partial file is
    /// removed. A host problem, not the guest's: exit 2 like other input/environment errors.
    case outputFailed(String)

    public var description: String {
        switch self {
        case .notPatchable(let reason): reason
        case .stepFailed(let reason): reason
        case .rebuildFailed(let reason, _): reason
        case .unmatchedSkipped(let reason): reason
        case .outputFailed(let reason): reason
        case .interrupted(let number): "interrupted by signal \(number)"
        case .verificationFailed(let findings):
            "verification failed: " + findings.map { "\($0.check): \($0.message)" }.joined(separator: "; ")
        }
    }
}
