/// When the guest's kdump service throws a baked initrd away and builds its own at boot.
///
/// This matters because an offline rebuild is only worth what survives: the service rebuilds
/// on the machine it boots on (Azure), with that machine's drivers, and kdumpbake's verified
/// initrd is then replaced by one nobody verified. Whether that is bad depends on the profile
/// (a rebuild on Azure with a correct kdump.conf is fine), so this is reported, not judged.
public struct FirstBootRebuild: Codable, Equatable, Sendable {
    public var kernel: String
    public var initrd: String
    /// The service will replace the initrd at its first start on Azure.
    public var rebuilt: Bool
    /// Why it will (or, with `force_no_rebuild`, why it will not).
    public var reasons: [String]

    public init(kernel: String, initrd: String, rebuilt: Bool, reasons: [String]) {
        self.kernel = kernel
        self.initrd = initrd
        self.rebuilt = rebuilt
        self.reasons = reasons
    }
}

/// What the first boot on Azure loads: the Hyper-V drivers (the dump target's disk is on
/// hv_storvsc). kdumpctl's hardware checks compare this with what the initrd recorded.
public enum AzureHardware {
    public static let loadedDrivers = ["hv_vmbus", "hv_storvsc", "hv_netvsc", "hv_utils"]
    public static let dumpTargetDrivers = ["hv_storvsc"]
}

extension KexecToolsRelease {
    /// The service's own `check_rebuild` (el7+) or init-script logic (el6), replayed on the facts.
    public func firstBoot(kernel: String, facts: GuestFacts, conf: KdumpConf, sysconfig: KdumpSysconfig) -> FirstBootRebuild {
        let path = initrdPath(kernel: kernel, sysconfig: sysconfig)
        var forecast = FirstBootRebuild(kernel: kernel, initrd: path, rebuilt: false, reasons: [])
        if family != .el6, conf.last("force_no_rebuild")?.words.first == "1", acceptedDirectives.contains("force_no_rebuild") {
            forecast.reasons = ["force_no_rebuild 1 (line \(conf.last("force_no_rebuild")!.line)): the service keeps the baked initrd whatever changes"]
            return forecast
        }
        guard let initrd = facts.kdumpInitrds[path] else {
            forecast.rebuilt = true
            forecast.reasons = ["there is no \(path): the service builds one at boot"]
            return forecast
        }
        var reasons: [String] = []
        if let force = conf.last("force_rebuild"), let value = force.words.first, family == .el6 ? value != "0" : value == "1" {
            reasons.append("force_rebuild \(value) (line \(force.line)): rebuilt at every start")
        }
        reasons += staleInputs(kernel: kernel, initrd: initrd, conf: conf, sysconfig: sysconfig, facts: facts)
            .map { "\($0) is newer than the initrd" }
        if let extra = conf.last("extra_modules"), extraModulesRebuildAtEveryStart {
            reasons.append("extra_modules is set (line \(extra.line)): "
                           + (family == .el6 ? "the el6 kdump service rebuilds at every start"
                              : "kdumpctl up to kexec-tools 2.0.15-33 (RHEL 7.7) rebuilds at every start"
                                + (isBeyondVerifiedEl7 ? " (assumed for 7.8/7.9, whose sources are not public)" : "")))
        }
        reasons += hardwareReasons(initrd)
        forecast.rebuilt = !reasons.isEmpty
        forecast.reasons = reasons
        return forecast
    }

    /// el6 and el7 rebuild at every start when `extra_modules` is set; RHEL 8+ stopped (it
    /// compares the module files' ages instead).
    public var extraModulesRebuildAtEveryStart: Bool { family != .el8 }

    /// The rebuild inputs newer than `initrd`: the service's age comparison. Empty when the
    /// initrd's age is unknown.
    func staleInputs(kernel: String, initrd: KdumpInitrd, conf: KdumpConf, sysconfig: KdumpSysconfig, facts: GuestFacts) -> [String] {
        guard let built = initrd.mtime else { return [] }
        return rebuildInputs(kernel: kernel, conf: conf, sysconfig: sysconfig, facts: facts)
            .filter { input in facts.mtime(of: input).map { $0 > built } ?? false }
    }

    /// Files whose being newer than the initrd triggers a rebuild. /etc/sysconfig/kdump is never
    /// one, on any release.
    func rebuildInputs(kernel: String, conf: KdumpConf, sysconfig: KdumpSysconfig, facts: GuestFacts) -> [String] {
        var inputs = [GuestPaths.kdumpConf, sysconfig.kernelImagePath(kernel)] + Self.hooksAndBinaries(conf)
        if family != .el6 {
            if isEl7_6OrLater || family == .el8, let collector = conf.last("core_collector")?.words.first,
               let path = facts.commandPath(collector) {
                inputs.append(path)
            }
            inputs.append("/etc/fstab")
        }
        // RHEL 8+ no longer rebuilds at every start for extra_modules; it compares the module
        // files' age instead, modules.dep among them (8.9 L343–429, reference L115–116).
        if family == .el8, conf.last("extra_modules") != nil { inputs.append(Self.modulesDep(kernel)) }
        return inputs.filter { $0.hasPrefix("/") }
    }

    /// Every file whose age some release compares with its initrd's, for any of `kernels`: what
    /// the reader stats before the release is known (`rebuildInputs` picks from these).
    package static func rebuildInputCandidates(conf: KdumpConf, sysconfig: KdumpSysconfig, kernels: [String]) -> [String] {
        let collector = conf.last("core_collector")?.words.first.map(GuestFacts.commandCandidates) ?? []
        let modulesDep = conf.last("extra_modules") != nil ? kernels.map(modulesDep) : []
        return (["/etc/fstab"] + kernels.map(sysconfig.kernelImagePath) + hooksAndBinaries(conf) + collector + modulesDep)
            .filter { $0.hasPrefix("/") }
    }

    static func modulesDep(_ kernel: String) -> String {
        "/lib/modules/\(kernel)/modules.dep"
    }

    /// kdump_pre, kdump_post and extra_bins: files the initrd carries, so their age counts.
    private static func hooksAndBinaries(_ conf: KdumpConf) -> [String] {
        ["kdump_pre", "kdump_post"].compactMap { conf.last($0)?.words.first } + conf.words(of: "extra_bins")
    }

    /// Where el8+'s `check_drivers_modified` comes from (reference L113–124, L141–142): read in
    /// 8.9 and 9.3 and in kdump-utils (RHEL 10); 8.0–8.8 and 9.0–9.2 are assumed to match.
    /// Adding drivers does not help: the list records the build machine, not the content (L122–124).
    var el8DriverCheckSource: String {
        guard family == .el8 else { return "" }
        let verified = (distroVersion.major == 8 && distroVersion.minor >= 9) || (distroVersion.major == 9 && distroVersion.minor >= 3)
            || distroVersion.major >= 10
        return (verified ? "" : " (assumed for \(distroVersion): the check was read in RHEL 8.9, 9.3 and kdump-utils)")
            + "; only force_no_rebuild 1 keeps the baked initrd"
    }

    /// kdumpctl's hardware checks (7.6: lsmod ≠ the recorded list; 7.7+ and el8: a dump-target
    /// driver missing from it). An appliance-built initrd records the appliance (virtio), so
    /// the first boot on Azure, with hv_storvsc loaded, rebuilds it.
    func hardwareReasons(_ initrd: KdumpInitrd) -> [String] {
        guard family == .el8 || isEl7_6OrLater, let recorded = initrd.loadedKernelModules else { return [] }
        let listed = Set(recorded.map(InitrdReader.normalizedModuleName))
        let record = initrd.files[InitrdReader.hostonlyKernelModulesPath] != nil
            ? InitrdReader.hostonlyKernelModulesPath : InitrdReader.loadedKernelModulesPath
        // Name the build machine's storage drivers first: they are what differs from Azure.
        let storage = recorded.filter { $0.hasPrefix("virtio") || $0.hasPrefix("hv_") || ["ata_piix", "sd_mod", "nvme"].contains($0) }
        let shown = (storage + recorded.filter { !storage.contains($0) }).prefix(4)
        let sample = shown.joined(separator: ", ") + (recorded.count > shown.count ? ", …" : "")
        if family == .el8 || isEl7_7OrLater {
            let missing = AzureHardware.dumpTargetDrivers.filter { !listed.contains($0) }
            guard !missing.isEmpty else { return [] }
            return ["the dump target's driver on Azure (\(missing.joined(separator: ", "))) is not in the initrd's \(record), which records the machine it was built on (\(sample)): kdumpctl rebuilds"
                    + el8DriverCheckSource]
        }
        let differs = AzureHardware.loadedDrivers.contains { !listed.contains($0) }
        guard differs else { return [] }
        return ["the initrd's \(record) records the machine it was built on (\(sample)); RHEL 7.6's kdumpctl rebuilds when it differs from lsmod at boot, and on Azure \(AzureHardware.loadedDrivers.joined(separator: ", ")) are loaded"]
    }
}
