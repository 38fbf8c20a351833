/// Everything kdumpbake knows about one release of Debian's kdump-tools (Debian 11–13, Ubuntu
/// 18.04–24.04): where its kdump initrd lives, what its capture command line defaults to, which
/// crashkernel= it ships, and when its service throws a baked initrd away.
///
/// The Red Hat families have `KexecToolsRelease`; this is its counterpart, and the one place
/// that knows kdump-tools releases. Facts: ../shared/reference/kdump-other-families.md, "Debian
/// 11/12/13 and Ubuntu 18.04–24.04" (cited as L<line>).
public struct KdumpToolsRelease: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The guest's installed kdump-tools package (its dpkg status).
        case package
        /// The distro version, mapped to the kdump-tools it shipped.
        case distroVersion
    }

    public var version: DebianPackageVersion
    public var source: Source
    public var distro: String
    public var distroVersion: DistroVersion

    /// The guest's installed kdump-tools when its dpkg status says, else the distro's.
    public static func resolve(distro: String, distroVersion: DistroVersion, package: DebianPackageVersion?) -> KdumpToolsRelease {
        if let package {
            return KdumpToolsRelease(version: package, source: .package, distro: distro, distroVersion: distroVersion)
        }
        return KdumpToolsRelease(version: shipped(distro: distro, version: distroVersion), source: .distroVersion,
                                 distro: distro, distroVersion: distroVersion)
    }

    /// The kdump-tools each release shipped (L153–156): Debian 11 1:1.6.8.4 (archive version
    /// unverified), 12 1:1.8.1, 13 ≥ 1:1.10 (unverified); Ubuntu 18.04 1:1.6.5, 24.04 1:1.10.3,
    /// 25.04 1:1.10.5; Ubuntu 20.04 and 22.04 are unverified and placed before 1:1.7, whose
    /// changes (L171–176) the reference says they predate.
    static func shipped(distro: String, version: DistroVersion) -> DebianPackageVersion {
        let text: String
        if distro == "ubuntu" {
            switch (version.major, version.minor) {
            case (..<20, _): text = "1:1.6.5-1ubuntu1"
            case (20, _), (21, _): text = "1:1.6.7-1ubuntu1"
            case (22, _), (23, _): text = "1:1.6.10-1ubuntu1"
            case (24, let minor) where minor < 10: text = "1:1.10.3ubuntu2"
            default: text = "1:1.10.5ubuntu2"
            }
        } else {
            switch version.major {
            case ..<11: text = "1:1.6.5-1"
            case 11: text = "1:1.6.8.4"
            case 12: text = "1:1.8.1"
            default: text = "1:1.10.3"
            }
        }
        return DebianPackageVersion(text)!
    }

    /// Words for findings, like `KexecToolsRelease.summary`.
    public var summary: String {
        switch source {
        case .package: "kdump-tools \(version) (from the guest's dpkg status)"
        case .distroVersion: "kdump-tools ≈\(version) as shipped with \(distro) \(distroVersion) (from the distro version; no kdump-tools in a dpkg status)"
        }
    }

    private func atLeast(_ text: String) -> Bool { version >= DebianPackageVersion(text)! }

    // MARK: - Rules

    /// The kdump initrd of `kernel` (kdump-config `create_symlink`, L200–201).
    public func initrdPath(kernel: String) -> String { "\(Self.stateDirectory)/initrd.img-\(kernel)" }

    /// What the service compares /etc/kdump/sysctl.conf with before each load (L216–220).
    public func latestSysctlsPath(kernel: String) -> String { "\(Self.stateDirectory)/latest_sysctls-\(kernel)" }

    public static let stateDirectory = "/var/lib/kdump"

    /// From 1:1.6.8 the service deletes (and rebuilds) a kernel's kdump initrd when
    /// /etc/kdump/sysctl.conf differs from `latest_sysctls-KVER`, a missing file included
    /// (`check_sysctl_change`, L216–220): an initrd baked without that file is thrown away at
    /// the first load and rebuilt for whatever hardware that boot has.
    public var rebuildsWhenSysctlsDiffer: Bool { atLeast("1:1.6.8") }

    /// Until 1:1.7 the amd64 default capture command line carried `ata_piix.prefer_ms_hyperv=0`
    /// (debian/rules; removed by commit 422fa58, Closes #1011960, L171–176), which on current
    /// Azure hosts steers the capture kernel away from hv_storvsc.
    public var defaultPrefersEmulatedIDE: Bool { !atLeast("1:1.7") }

    /// The reservation kdump-tools.cfg ships (L186–191): `384M-:128M` up to 1:1.8.2,
    /// `512M-:192M` from 1:1.9.
    public var defaultCrashkernel: String { atLeast("1:1.9") ? "512M-:192M" : "384M-:128M" }

    /// From 1:1.8.2 the kernel postinst hook does nothing in a chroot (L208–210), so a kernel
    /// installed in the appliance gets no kdump initrd from it.
    public var hookSkipsInChroot: Bool { atLeast("1:1.8.2") }

    /// `KDUMP_CMDLINE_APPEND` as kdump-config defaults it when /etc/default/kdump-tools leaves it
    /// unset or empty (`${KDUMP_CMDLINE_APPEND:="…"}`, 1.8.1 L60): read from the guest's own
    /// kdump-config when it can be, because the default changed between releases and builds
    /// (debian/rules substitutes it); else this release's known default.
    public func defaultCommandLineAppend(kdumpConfigScript: String?) -> String {
        if let script = kdumpConfigScript, let value = Self.scriptDefault(script) { return value }
        let modern = "reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"
        return defaultPrefersEmulatedIDE ? modern + " ata_piix.prefer_ms_hyperv=0" : modern
    }

    /// The word that must stay in a capture command line, or the capture kernel boots into the
    /// normal default target instead of saving the dump (L163–166).
    public static let dumpUnit = "systemd.unit=kdump-tools-dump.service"

    /// The literal default in `KDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:="…"}`; nil when the
    /// script has no such line or the value is not a plain quoted string.
    static func scriptDefault(_ script: String) -> String? {
        let marker = "KDUMP_CMDLINE_APPEND:="
        for line in script.split(separator: "\n") where line.contains(marker) {
            guard let start = line.firstRange(of: marker)?.upperBound, let quote = line[start...].first, quote == "\"" || quote == "'" else { continue }
            let body = line[line.index(after: start)...]
            // The quoted word must be the whole default: `:=""reset_devices …"}` (the fuzzer's find) would
            // otherwise give "" while the shell's value goes on past the closing quote.
            guard let end = body.firstIndex(of: quote), body[body.index(after: end)...].first == "}" else { continue }
            let value = String(body[..<end])
            guard !value.contains("$"), !value.contains("`") else { continue }
            return value
        }
        return nil
    }
}
