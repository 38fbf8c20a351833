/// Kernel parameters the Red Hat families' boot entries must carry: `crashkernel=`
/// (`ensure_crashkernel`) and `panic=` (`boot_panic`). Both are applied to each file in one
/// edit, so a file changed for both is written once.
extension PatchPlanner {
    /// One parameter to add where missing; a present value in `replacing` (one the release's
    /// kernel ignores) is rewritten.
    struct BootParameter {
        var key: String
        var value: String
        var replacing: Set<String> = []
    }

    /// el6 grub.conf; el7 /etc/default/grub and the generated grub.cfg, which must agree; el8+
    /// BLS entries or grubenv's kernelopts, /etc/kernel/cmdline and /etc/default/grub.
    func planBootParameters(_ context: CheckContext, _ plan: inout PatchPlan) throws {
        var parameters: [BootParameter] = []
        if context.values.ensureCrashkernel, let wanted = context.values.crashkernel, CrashkernelCheck.run(context).status == .fail {
            // `any` writes the release's own default (`KexecToolsRelease.defaultCrashkernel`).
            let replacing: Set<String> = context.release.crashkernelProblem("auto") != nil ? ["auto"] : []
            parameters.append(BootParameter(key: "crashkernel", value: context.release.crashkernelToWrite(profileValue: wanted), replacing: replacing))
        }
        if let seconds = context.values.panicTimeout, context.values.bootPanic, SysctlCheck.bootPanicProblem(context) != nil {
            parameters.append(BootParameter(key: "panic", value: String(seconds)))
        }
        guard !parameters.isEmpty else { return }
        switch context.family {
        case .el6:
            try editFiles(Array(GuestPaths.grubLegacy.prefix(1)), parameters, context, &plan) { text, p in CrashkernelEdit.grubLegacy(text, value: p.value, key: p.key) }
        case .el7:
            try editFiles([GuestPaths.defaultGrub], parameters, context, &plan) { text, p in CrashkernelEdit.defaultGrub(text, value: p.value, replacing: p.replacing, key: p.key) }
            try editFiles([GuestPaths.grub2Config], parameters, context, &plan) { text, p in CrashkernelEdit.grub2Config(text, value: p.value, key: p.key) }
        case .el8:
            try planBootLoaderSpec(context, parameters, &plan)
        case .kdumpTools, .sles:
            return  // planKdumpToolsBoot, planSlesBoot
        }
    }

    /// Each existing file of `paths`, edited once per parameter in order, recorded as one change.
    private func editFiles(_ paths: [String], _ parameters: [BootParameter], _ context: CheckContext, _ plan: inout PatchPlan,
                           _ edit: (String, BootParameter) -> String) throws {
        for path in paths {
            guard let current = try usableContents(path, context) else { continue }
            let edited = parameters.reduce(String(decoding: current, as: UTF8.self)) { edit($0, $1) }
            try addChange(path, .lineEdit, Array(edited.utf8), context, &plan)
        }
    }

    /// el8+: every BLS entry (or grubenv's kernelopts where entries use `$kernelopts`), then
    /// /etc/kernel/cmdline and /etc/default/grub, so kernels installed later inherit the value
    /// (reference L77–87, L143–146). A crashkernel= the release's kernel ignores (`auto` on 9+,
    /// L59) is replaced, as RHEL 9.2's own update did for /etc/default/grub (L71).
    private func planBootLoaderSpec(_ context: CheckContext, _ parameters: [BootParameter], _ plan: inout PatchPlan) throws {
        let envBytes = try usableContents(GuestPaths.grub2Env, context)
        let env = envBytes.map(GrubEnv.parse(bytes:))
        var kerneloptsNeed: [BootParameter] = []
        for path in GuestPaths.bootLoaderEntries(in: context.facts) {
            guard let current = try usableContents(path, context) else { continue }
            var text = String(decoding: current, as: UTF8.self)
            for parameter in parameters {
                let edit = CrashkernelEdit.blsEntry(text, value: parameter.value, env: env, replacing: parameter.replacing, key: parameter.key)
                if edit.needsKernelopts, !kerneloptsNeed.contains(where: { $0.key == parameter.key }) { kerneloptsNeed.append(parameter) }
                if let edited = edit.text { text = edited }
            }
            try addChange(path, .lineEdit, Array(text.utf8), context, &plan)
        }
        if !kerneloptsNeed.isEmpty {
            guard var bytes = envBytes else {
                throw PatchError.notPatchable("boot entries use $kernelopts but \(GuestPaths.grub2Env) is missing; set \(kerneloptsNeed.map { $0.key + "=" }.joined(separator: " ")) in the image")
            }
            do {
                for parameter in kerneloptsNeed {
                    if let edited = try GrubEnvEdit.kernelopts(bytes, value: parameter.value, replacing: parameter.replacing, key: parameter.key) { bytes = edited }
                }
                try addChange(GuestPaths.grub2Env, .lineEdit, bytes, context, &plan)
            } catch let error as GrubEnvEditError {
                throw PatchError.notPatchable("\(GuestPaths.grub2Env): \(error)")
            }
        }
        try editFiles([GuestPaths.kernelCmdline], parameters, context, &plan) { text, p in CrashkernelEdit.kernelCmdline(text, value: p.value, replacing: p.replacing, key: p.key) }
        try editFiles([GuestPaths.defaultGrub], parameters, context, &plan) { text, p in CrashkernelEdit.defaultGrub(text, value: p.value, replacing: p.replacing, key: p.key) }
    }
}
