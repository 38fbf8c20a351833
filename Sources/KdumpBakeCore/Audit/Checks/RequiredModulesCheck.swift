/// `kdump.initrd_modules` for the families whose capture kernel loads what its initramfs holds
/// (kdump-tools, SLES): every module the profile requires is inside each covered kernel's initrd,
/// or built into that kernel (modules.builtin: nvme is built in on Debian's cloud kernels,
/// kdump-other-families.md L244–246). The initrd is read on the host from its bytes, whatever
/// it was compressed with.
enum RequiredModulesCheck {
    /// `why` ends the failure: what a missing module means on this family.
    static func run(_ context: CheckContext, initrds: [(kernel: String, path: String)], rules: String, path: String?, why: String) -> Finding {
        let required = context.values.requiredInitrdModules
        guard !required.isEmpty else {
            return Finding(check: .kdumpInitrdModules, status: .skip, message: "the profile requires no initrd modules")
        }
        var problems = ProblemList()
        var checked: [String] = []
        var builtInNotes: Set<String> = []
        var lastActual: String?
        for (kernel, initrdPath) in initrds {
            guard let listing = context.facts.kdumpInitrds[initrdPath]?.modules else { continue }
            switch listing {
            case .failure(let failure):
                problems.warn("\(initrdPath): cannot list modules (\(failure.message))")
            case .success(let modules):
                let present = Set(modules.map(InitrdReader.normalizedModuleName))
                let builtIn = context.facts.builtInModules(of: kernel)
                var missing: [String] = []
                for module in required {
                    let name = InitrdReader.normalizedModuleName(module)
                    if present.contains(name) { continue }
                    if builtIn.contains(name) { builtInNotes.insert(module) } else { missing.append(module) }
                }
                if !missing.isEmpty { problems.fail("\(initrdPath) lacks \(missing.joined(separator: " ")): \(why)") }
                checked.append(kernel)
                lastActual = modules.sorted().joined(separator: " ")
            }
        }
        if checked.isEmpty && problems.failures.isEmpty && problems.warnings.isEmpty {
            return Finding(check: .kdumpInitrdModules, status: .skip, message: "no kdump initrd to inspect yet (see \(CheckID.kdumpInitrd))")
        }
        let notes = builtInNotes.isEmpty ? "" : "; \(builtInNotes.sorted().joined(separator: " ")) built into the kernel"
        var finding = problems.finding(.kdumpInitrdModules, pass: "the kdump initrd of \(checked.joined(separator: ", ")) holds \(required.joined(separator: " "))\(notes)",
                                       path: path, expected: "contains \(required.joined(separator: " "))", actual: lastActual)
        finding.rules = rules
        return finding
    }
}
