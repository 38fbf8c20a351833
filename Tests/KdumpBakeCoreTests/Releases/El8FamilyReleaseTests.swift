@testable import KdumpBakeCore
import Testing

/// RHEL 8, 9 and 10 (family el8) as pure release rules. Each test names the reference lines
/// (../shared/reference/kdump-other-families.md) its facts come from.
@Suite struct El8FamilyReleaseTests {
    static func release(_ major: Int, _ minor: Int, package: String? = nil, kdumpUtils: String? = nil) -> KexecToolsRelease {
        KexecToolsRelease.resolve(family: .el8, distroVersion: DistroVersion(major, minor),
                                  package: package.flatMap(KexecToolsVersion.init(parsing:)),
                                  kdumpUtils: kdumpUtils.flatMap(KexecToolsVersion.init(parsing:)))
    }

    @Test("L7–12: the public tags; the other minors take the nearest, and rules key on the distro version")
    func shippedVersions() {
        #expect(Self.release(8, 8).version == KexecToolsVersion(upstream: [2, 0, 25], release: 5))
        #expect(Self.release(8, 9).version == KexecToolsVersion(upstream: [2, 0, 26], release: 8))
        #expect(Self.release(9, 2).version == KexecToolsVersion(upstream: [2, 0, 25], release: 13))
        #expect(Self.release(9, 3).version == KexecToolsVersion(upstream: [2, 0, 26], release: 8))
        #expect(Self.release(8, 2).summary.contains("≈2.0.25-5 as shipped with release 8.2"))
        // 8.9 and 9.3 ship the same upstream version: the distro major decides the rules.
        #expect(Self.release(8, 9).acceptedDirectives.contains("auto_reset_crashkernel") == false)
        #expect(Self.release(9, 3).acceptedDirectives.contains("auto_reset_crashkernel"))
        #expect(Self.release(9, 3, package: "2.0.26-8.el9").summary == "kexec-tools 2.0.26-8 (from the guest's rpm database), RHEL 9 rules")
    }

    @Test("L9–10, L64: RHEL 10 names kdump-utils, from the rpm database when it has one")
    func rhel10IsKdumpUtils() {
        #expect(Self.release(10, 0).summary.hasPrefix("kdump-utils of release 10.0 (from the distro version; which kdump-utils RHEL 10.x ships is not public"))
        #expect(Self.release(10, 0, package: "2.0.29-1.el10", kdumpUtils: "1.0.54-4.el10").summary
                == "kdump-utils 1.0.54-4 (from the guest's rpm database), RHEL 10 rules")
        // kdump-utils on a guest that says 9.x is ignored: RHEL 9 has none.
        #expect(Self.release(9, 4, kdumpUtils: "1.0.54-4.el10").kdumpUtils == nil)
    }

    @Test("L55–64: the release's own default crashkernel, computed without running kdumpctl")
    func defaultCrashkernelPerRelease() {
        #expect(Self.release(8, 9).defaultCrashkernel == "auto")
        #expect(Self.release(9, 0).defaultCrashkernel == "1G-4G:192M,4G-64G:256M,64G-:512M")
        #expect(Self.release(9, 6).defaultCrashkernel == "1G-4G:192M,4G-64G:256M,64G-:512M")
        #expect(Self.release(10, 0).defaultCrashkernel == "2G-64G:256M,64G-:512M")
        // kdump-utils before 1.0.53 (fe18f93) still had RHEL 9's table.
        #expect(Self.release(10, 0, kdumpUtils: "1.0.51-1.el10").defaultCrashkernel == "1G-4G:192M,4G-64G:256M,64G-:512M")
        #expect(Self.release(10, 1, kdumpUtils: "1.0.53-1.el10").defaultCrashkernel == "2G-64G:256M,64G-:512M")
        // el6/el7 keep auto.
        #expect(KexecToolsRelease.resolve(family: .el7, distroVersion: DistroVersion(7, 9), package: nil).defaultCrashkernel == "auto")
        #expect(Self.release(9, 3).crashkernelToWrite(profileValue: "any") == "1G-4G:192M,4G-64G:256M,64G-:512M")
        #expect(Self.release(9, 3).crashkernelToWrite(profileValue: "512M") == "512M")
    }

    @Test("L55–61: RHEL 9+ kernels do not honour crashkernel=auto; RHEL 8 does")
    func autoOnlyOnRhel8() {
        #expect(Self.release(8, 9).crashkernelProblem("auto") == nil)
        let problem = Self.release(9, 3).crashkernelProblem("auto")
        #expect(problem?.hasPrefix("RHEL 9 kernels do not honour crashkernel=auto (only RHEL 8 and older do): nothing is reserved and kdump never arms") == true)
        #expect(Self.release(10, 0).crashkernelProblem("auto")?.contains("use the release's default 2G-64G:256M,64G-:512M") == true)
        #expect(Self.release(9, 3).crashkernelProblem("256M") == nil)
    }

    @Test("L46–47, L69–76, L145–146: auto_reset_crashkernel no only for custom sizes on 9.3+/10, never on 8")
    func autoResetPerRelease() {
        #expect(Self.release(8, 9).autoResetCrashkernel(for: "512M") == nil)
        #expect(Self.release(9, 2).autoResetCrashkernel(for: "512M") == nil)
        #expect(Self.release(9, 3).autoResetCrashkernel(for: "512M") == "no")
        #expect(Self.release(10, 0).autoResetCrashkernel(for: "512M") == "no")
        #expect(Self.release(9, 3).autoResetCrashkernel(for: "any") == nil)
        #expect(Self.release(9, 3).autoResetCrashkernel(for: "1G-4G:192M,4G-64G:256M,64G-:512M") == nil)
        #expect(Self.release(10, 0).autoResetCrashkernel(for: "1G-4G:192M,4G-64G:256M,64G-:512M") == "no")
        #expect(Self.release(9, 3).autoResetCrashkernel(for: nil) == nil)
    }

    // MARK: first boot (L113–124, L141–142)

    static let appliance = KdumpInitrd(path: "/boot/initramfs-Kkdump.img", exists: true, mtime: 200,
                                       files: [InitrdReader.loadedKernelModulesPath: Array("virtio_scsi\nsd_mod\nhv_vmbus\nnvme\n".utf8)])

    func forecast(_ major: Int, _ minor: Int, conf: String, initrd: KdumpInitrd = appliance) -> FirstBootRebuild {
        var facts = GuestFacts(os: GuestOS(type: "linux", distro: "rhel", version: DistroVersion(major, minor), arch: "x86_64", productName: "", root: ""))
        facts.files[GuestPaths.kdumpConf] = GuestFile(path: GuestPaths.kdumpConf, state: .read(bytes: Array(conf.utf8)), mtime: 100)
        facts.kdumpInitrds[initrd.path] = initrd
        return Self.release(major, minor).firstBoot(kernel: "K", facts: facts, conf: KdumpConf.parse(conf), sysconfig: KdumpSysconfig())
    }

    @Test("L117–124: an appliance-built initrd is rebuilt at the first Azure boot on 8.x, 9.x and 10 even with the drivers added")
    func applianceInitrdIsRebuilt() throws {
        let conf = "path /var/crash\ndracut_args --add-drivers \"hv_vmbus hv_storvsc hv_netvsc nvme\"\n"
        for (major, minor) in [(8, 9), (9, 3), (10, 0)] {
            let result = forecast(major, minor, conf: conf)
            #expect(result.rebuilt, "\(major).\(minor)")
            #expect(result.reasons == ["the dump target's driver on Azure (hv_storvsc) is not in the initrd's usr/lib/dracut/loaded-kernel-modules.txt, which records the machine it was built on (virtio_scsi, sd_mod, hv_vmbus, nvme): kdumpctl rebuilds; only force_no_rebuild 1 keeps the baked initrd"])
        }
        // 8.0–8.8 and 9.0–9.2: the check was not read there; assumed, and said so.
        let assumed = try #require(forecast(9, 1, conf: conf).reasons.first)
        #expect(assumed.hasSuffix("kdumpctl rebuilds (assumed for 9.1: the check was read in RHEL 8.9, 9.3 and kdump-utils); only force_no_rebuild 1 keeps the baked initrd"))
    }

    @Test("L120: force_no_rebuild 1 keeps the baked initrd")
    func forceNoRebuildKeepsIt() {
        let result = forecast(9, 3, conf: "path /var/crash\nforce_no_rebuild 1\n")
        #expect(!result.rebuilt)
        #expect(result.reasons == ["force_no_rebuild 1 (line 2): the service keeps the baked initrd whatever changes"])
    }

    @Test("L115–116: extra_modules no longer rebuilds at every start on 8+, modules.dep's age counts instead")
    func extraModulesComparesModulesDep() {
        var facts = GuestFacts(os: GuestOS(type: "linux", distro: "rhel", version: DistroVersion(8, 9), arch: "x86_64", productName: "", root: ""))
        let conf = "path /var/crash\nextra_modules nvme\n"
        facts.files[GuestPaths.kdumpConf] = GuestFile(path: GuestPaths.kdumpConf, state: .read(bytes: Array(conf.utf8)), mtime: 100)
        var initrd = Self.appliance
        initrd.files = [:]
        facts.kdumpInitrds[initrd.path] = initrd
        facts.mtimes["/lib/modules/K/modules.dep"] = 300
        let result = Self.release(8, 9).firstBoot(kernel: "K", facts: facts, conf: KdumpConf.parse(conf), sysconfig: KdumpSysconfig())
        #expect(result.reasons == ["/lib/modules/K/modules.dep is newer than the initrd"])
        #expect(KexecToolsRelease.rebuildInputCandidates(conf: KdumpConf.parse(conf), sysconfig: KdumpSysconfig(), kernels: ["K"])
            .contains("/lib/modules/K/modules.dep"))
    }
}
