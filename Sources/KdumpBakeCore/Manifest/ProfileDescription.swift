/// A profile in words, for `kdumpbake profiles`.
public enum ProfileDescription {
    public static func render(_ profile: Profile) -> String {
        let v = profile.values
        var lines = ["\(profile.name)\(profile.optIn ? " (opt-in: use --profile \(profile.name))" : "")"]
        if !profile.description.isEmpty { lines.append("  \(profile.description)") }
        lines.append("  matches:  \(profile.match.distros.joined(separator: ", ")) \(profile.match.versions.text)\(profile.match.architectures.isEmpty ? "" : " on \(profile.match.architectures.joined(separator: ", "))")")
        if profile.kdump == .disabled {
            lines.append("  family:   \(profile.family.rawValue); panic-only (kdump: disabled): kdump is left alone, a panic reboots without a dump")
        } else {
            lines.append("  family:   \(profile.family.rawValue); kdump initrd \(profile.initrd.rawValue) for \(profile.kernels.rawValue) kernel(s), at most \(profile.maxKernels)")
        }
        if let panic = v.panicTimeout { lines.append("  kernel.panic = \(v.panicTimeoutPolicy == .positive ? "> 0" : String(panic))") }
        if let panic = v.bootPanicParameter { lines.append("  \(panic) on the boot entries (early-boot and capture-kernel panics reboot too)") }
        if let path = v.dumpPath {
            switch profile.family {
            case .kdumpTools: lines.append("  KDUMP_COREDIR=\(path) (/etc/default/kdump-tools)")
            case .sles: lines.append("  KDUMP_SAVEDIR=\(path) (/etc/sysconfig/kdump)")
            default: lines.append("  path \(path)")
            }
        }
        if let collector = v.coreCollector { lines.append("  core_collector \(collector)") }
        if !v.extraModules.isEmpty {
            switch profile.family {
            case .kdumpTools: lines.append("  kdump initrd built with \(v.extraModules.joined(separator: " ")) (initramfs-tools modules file)")
            case .sles: lines.append("  add_drivers+=\" \(v.extraModules.joined(separator: " ")) \" (/etc/dracut.conf.d)")
            default: lines.append("  extra_modules \(v.extraModules.joined(separator: " "))")
            }
        }
        if !v.addDrivers.isEmpty { lines.append("  dracut_args --add-drivers \"\(v.addDrivers.joined(separator: " "))\"") }
        let inKdumpConf = KexecToolsRelease.moduleLoading(profile.family) == .initInsmodLines
        if !v.blacklist.isEmpty {
            lines.append(inKdumpConf ? "  blacklist \(v.blacklist.joined(separator: " "))"
                                     : "  rd.driver.blacklist=\(v.blacklist.joined(separator: ",")) (KDUMP_COMMANDLINE_APPEND)")
        }
        for (module, option) in v.moduleOptions.sorted(by: { $0.key < $1.key }) {
            lines.append(inKdumpConf ? "  options \(module) \(option)" : "  \(module).\(option) (KDUMP_COMMANDLINE_APPEND)")
        }
        if let timeout = v.diskTimeout { lines.append("  disk_timeout \(timeout)") }
        if v.forceNoRebuild { lines.append("  force_no_rebuild 1 (the service keeps the verified initrd)") }
        if !v.commandlineAppend.isEmpty {
            lines.append("  \(profile.family == .kdumpTools ? "KDUMP_CMDLINE_APPEND" : "KDUMP_COMMANDLINE_APPEND") += \(v.commandlineAppend.joined(separator: " "))")
        }
        if let crash = v.crashkernel {
            lines.append("  crashkernel=\(crash == "any" ? "<any>" : crash) on the default kernel"
                         + (v.ensureCrashkernel ? "; patch adds \(crash == "any" ? "the release's default" : crash) where missing" : ""))
        }
        if v.enableService == true { lines.append("  kdump service enabled at boot") }
        let initrd = v.requiredInitrdModules
        if !initrd.isEmpty || !v.blacklist.isEmpty {
            lines.append("  capture kernel: loads \(initrd.isEmpty ? "-" : initrd.joined(separator: " "))" + (v.blacklist.isEmpty ? "" : "; never loads \(v.blacklist.joined(separator: " "))"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
