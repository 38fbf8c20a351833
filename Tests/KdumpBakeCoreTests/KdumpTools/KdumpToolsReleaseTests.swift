import Testing
@testable import KdumpBakeCore

@Suite struct KdumpToolsReleaseTests {
    @Test func debianVersionsOrderLikeDpkg() throws {
        let ordered = ["1.0~rc1", "1.0", "1.0-1", "1.0a", "1:0.1", "1:1.6.8.4", "1:1.7", "1:1.8.1", "1:1.8.2", "1:1.10.3", "1:1.10.3ubuntu2", "1:1.10.3+b1"]
        let versions = try ordered.map { try #require(DebianPackageVersion($0)) }
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
        }
        #expect(DebianPackageVersion("1:1.8.1") == DebianPackageVersion("1:1.8.1"))
        // A hyphen inside the upstream part is kept when a revision follows (the last hyphen splits).
        #expect(DebianPackageVersion("1.5.4+dfsg2-5-1")?.upstream == "1.5.4+dfsg2-5")
        #expect(DebianPackageVersion("0:1.0-1")?.description == "1.0-1")
        for hostile in ["", "x1.0", "a:1.0", "+1:1.0", "1.0 $(reboot)", "1.5.4+dfsg2-5-", "1.0--", String(repeating: "1", count: 200)] {
            #expect(DebianPackageVersion(hostile) == nil, "\(hostile)")
        }
    }

    @Test func dpkgStatusGivesTheInstalledVersionOnly() {
        let status = """
            Package: kexec-tools
            Status: install ok installed
            Version: 1:2.0.25-3+deb12u3

            Package: kdump-tools
            Status: deinstall ok config-files
            Version: 1:1.6.8.4

            """
        #expect(DpkgStatus.installedVersion(of: "kdump-tools", in: status) == nil)
        let installed = status.replacing("deinstall ok config-files", with: "install ok installed").replacing("1:1.6.8.4", with: "1:1.8.1")
        #expect(DpkgStatus.installedVersion(of: "kdump-tools", in: installed)?.description == "1:1.8.1")
        #expect(DpkgStatus.installedVersion(of: "kexec-tools", in: installed)?.description == "1:2.0.25-3+deb12u3")
    }

    /// L153–156 and L171–176, L186–191, L208–210, L216–220.
    @Test func rulesPerRelease() throws {
        let debian11 = KdumpToolsRelease.resolve(distro: "debian", distroVersion: DistroVersion(11), package: nil)
        let debian12 = KdumpToolsRelease.resolve(distro: "debian", distroVersion: DistroVersion(12), package: nil)
        let debian13 = KdumpToolsRelease.resolve(distro: "debian", distroVersion: DistroVersion(13), package: nil)
        let ubuntu2204 = KdumpToolsRelease.resolve(distro: "ubuntu", distroVersion: DistroVersion(22, 4), package: nil)
        let ubuntu2404 = KdumpToolsRelease.resolve(distro: "ubuntu", distroVersion: DistroVersion(24, 4), package: nil)
        #expect(debian11.defaultPrefersEmulatedIDE && ubuntu2204.defaultPrefersEmulatedIDE)
        #expect(!debian12.defaultPrefersEmulatedIDE && !ubuntu2404.defaultPrefersEmulatedIDE)
        #expect(debian12.defaultCrashkernel == "384M-:128M" && debian11.defaultCrashkernel == "384M-:128M")
        #expect(debian13.defaultCrashkernel == "512M-:192M" && ubuntu2404.defaultCrashkernel == "512M-:192M")
        #expect(!debian12.hookSkipsInChroot && debian13.hookSkipsInChroot)
        #expect(debian11.rebuildsWhenSysctlsDiffer)
        #expect(!KdumpToolsRelease.resolve(distro: "ubuntu", distroVersion: DistroVersion(18, 4), package: nil).rebuildsWhenSysctlsDiffer)
        // The package beats the distro version.
        let upgraded = KdumpToolsRelease.resolve(distro: "debian", distroVersion: DistroVersion(11), package: DebianPackageVersion("1:1.8.1"))
        #expect(!upgraded.defaultPrefersEmulatedIDE && upgraded.summary.contains("dpkg status"))
    }

    @Test func theDefaultAppendComesFromTheGuestsOwnScript() {
        let release = KdumpToolsRelease.resolve(distro: "debian", distroVersion: DistroVersion(12), package: nil)
        #expect(release.defaultCommandLineAppend(kdumpConfigScript: DebianTexts.kdumpConfig(debian11: true)).hasSuffix("ata_piix.prefer_ms_hyperv=0"))
        #expect(release.defaultCommandLineAppend(kdumpConfigScript: nil) == "reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb")
        // An expansion in the default is not a literal: fall back to the release's known value.
        #expect(KdumpToolsRelease.scriptDefault("KDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:=\"$(cat /x)\"}") == nil)
        // The quoted word followed by more of the word (found by KdumpToolsFuzzTests): not the whole default.
        #expect(KdumpToolsRelease.scriptDefault("KDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:=\"\"reset_devices nr_cpus=1\"}") == nil)
    }

    @Test func grubDefaultsFollowDropInsInOrder() {
        let kept = GrubDefaults(files: [("/etc/default/grub", DebianTexts.defaultGrub), ("/etc/default/grub.d/kdump-tools.cfg", DebianTexts.kdumpToolsGrub)])
        #expect(kept.normalEntryCommandLine.values(of: "crashkernel") == ["384M-:128M"])
        #expect(kept.normalEntryCommandLine.contains("quiet"))
        let dropped = GrubDefaults(files: [("/etc/default/grub", DebianTexts.defaultGrub), ("/etc/default/grub.d/kdump-tools.cfg", DebianTexts.kdumpToolsGrub),
                                           ("/etc/default/grub.d/zz-site-console.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0\"\n")])
        #expect(dropped.normalEntryCommandLine.values(of: "crashkernel").isEmpty)
        #expect(dropped.lastAssignment[GrubDefaults.linuxDefault] == "/etc/default/grub.d/zz-site-console.cfg:1")
        #expect(GrubDefaults.sourcingOrder(["/etc/default/grub.d/b.cfg", "/etc/default/grub.d/a.cfg", "/etc/default/grub.d/x.conf", "/etc/kdump.conf"])
                == ["/etc/default/grub", "/etc/default/grub.d/a.cfg", "/etc/default/grub.d/b.cfg"])
    }
}
