/// The guest's boot loader configuration as the family uses it: legacy grub (el6), grub2 (el7),
/// BLS entries plus grubenv (el8+). Answers "which kernel boots by default, with what command line".
struct BootConfiguration {
    /// The file the default entry was read from, for messages.
    var source: String?
    var defaultEntry: BootEntry?
    /// el7+: `GRUB_CMDLINE_LINUX` of /etc/default/grub, which grub2-mkconfig copies into every entry.
    var defaultGrubCommandLine: KernelCommandLine?
    /// kdump-tools guests: /etc/default/grub and its grub.d drop-ins, evaluated in order.
    var grubDefaults: GrubDefaults?

    init(facts: GuestFacts, family: KdumpFamily) {
        if family == .kdumpTools {
            let order = GrubDefaults.sourcingOrder(facts.files.keys)
            grubDefaults = GrubDefaults(files: order.compactMap { path in facts.text(path).map { (path, $0) } })
            if let bytes = facts.files[KdumpToolsPaths.grubConfig]?.bytes {
                source = KdumpToolsPaths.grubConfig
                defaultEntry = Grub2Config.parse(bytes: bytes).defaultEntry(env: nil)
            }
            return
        }
        if let defaults = facts.files[GuestPaths.defaultGrub]?.text {
            let assignments = ShellAssignments.parse(defaults)
            defaultGrubCommandLine = assignments.value("GRUB_CMDLINE_LINUX").map(KernelCommandLine.init)
            // SUSE writes the kdump reservation into GRUB_CMDLINE_LINUX_DEFAULT (L298–301);
            // grub2-mkconfig puts both on every normal entry.
            if family == .sles {
                defaultGrubCommandLine = KernelCommandLine([assignments.value("GRUB_CMDLINE_LINUX") ?? "", assignments.value("GRUB_CMDLINE_LINUX_DEFAULT") ?? ""].joined(separator: " "))
            }
        }
        let env = facts.text(GuestPaths.grub2Env).map(GrubEnv.parse)
        // BLS first (el8+), then grub2, then legacy grub: the first configuration present decides.
        let blsPaths = facts.files.keys.filter { $0.hasPrefix("/boot/loader/entries/") && $0.hasSuffix(".conf") }.sorted()
        let blsEntries = blsPaths.compactMap { path in facts.files[path]?.bytes.map { BootLoaderSpecEntry.parse(bytes: $0, fileName: String(path.split(separator: "/").last ?? "")) } }
        if family == .el8, let entry = BootLoaderSpec.defaultEntry(blsEntries, env: env) {
            source = "/boot/loader/entries"
            defaultEntry = entry.bootEntry(env: env)
            return
        }
        let grub2Paths = [GuestPaths.grub2Config] + facts.files.keys.filter { $0.hasPrefix("/boot/efi/EFI/") && $0.hasSuffix("/grub.cfg") }.sorted()
        if family != .el6, let path = grub2Paths.first(where: { facts.files[$0]?.bytes != nil }), let bytes = facts.files[path]?.bytes {
            source = path
            defaultEntry = Grub2Config.parse(bytes: bytes).defaultEntry(env: env)
            return
        }
        if let path = GuestPaths.grubLegacy.first(where: { facts.files[$0]?.bytes != nil }), let bytes = facts.files[path]?.bytes {
            source = path
            defaultEntry = GrubLegacyConf.parse(bytes: bytes).defaultEntry
        }
    }
}
