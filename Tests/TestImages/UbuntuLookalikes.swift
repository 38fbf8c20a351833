/// Ubuntu 22.04 and 24.04 LOOK-ALIKES derived from the real Debian 12 guest (`RealGuest.debian12`).
///
/// These are not Ubuntu: they are the real Debian 12 debootstrap tree (Debian's kernels, initramfs-tools,
/// kdump-config, mkinitramfs, all kept as they are) with an Ubuntu identity and the kdump-tools facts of
/// those releases written over Debian's files (see `DerivedGuestRecipe`). They exist to test that kdumpbake
/// recognises Ubuntu and applies the release rules of `KdumpToolsRelease` (reference
/// kdump-other-families.md, "Debian 11/12/13 and Ubuntu 18.04–24.04", L151–268); what only a real Ubuntu
/// image could show (linux-azure's built-in drivers, cloud-image grub.d files) they do not.
///
/// Every edit is an exact replacement that must match Debian's file once, so a Debian update that changes
/// one of these files fails the build instead of silently dropping a trap. /etc/debian_version stays
/// Debian's (libguestfs reads /etc/os-release first), as do the kernels' names and the dpkg database apart
/// from kdump-tools' version.
extension RealGuest {
    /// Ubuntu 22.04 (jammy) with a kdump-tools before 1:1.7, whose kdump-config default capture command
    /// line still carries `ata_piix.prefer_ms_hyperv=0` on amd64 (L171–176), the trap an offline tool must
    /// remove for Azure.
    ///
    /// - Version `1:1.6.10ubuntu2`: jammy's exact kdump-tools version is **unverified** (the reference only
    ///   says "1.6.10-based?", L155–156); what matters is that it sorts before 1:1.7.
    /// - Where `ata_piix.prefer_ms_hyperv=0` stands among the default words (here: last) is unverified too;
    ///   debian/rules substituted it at build time (L171–176).
    /// - kdump-tools.cfg keeps Debian 12's `384M-:128M` (the value up to 1:1.8.2, L186–188).
    public static let ubuntu2204Like = DerivedGuestRecipe(
        name: "ubuntu2204-like",
        base: debian12,
        edits: ubuntuIdentity(version: "22.04", point: "22.04.5", codename: "jammy", adjective: "Jammy Jellyfish")
            + [
                kdumpToolsVersion("1:1.6.10ubuntu2"),
                .replace(path: "/usr/sbin/kdump-config",
                         old: #"KDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"}"#,
                         new: #"KDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb ata_piix.prefer_ms_hyperv=0"}"#),
            ])

    /// Ubuntu 24.04 (noble) with kdump-tools `1:1.10.3ubuntu2` (L154–155), whose kdump-tools.cfg reserves
    /// `512M-:192M` (from 1:1.9, L186–191). kdump-config's default line is Debian 12's, which has no
    /// `ata_piix` word (removed in 1:1.7, L171–176). The 1.10 kdump-config itself (estimator, chroot-skipping
    /// hook, L190–210) is not imitated: the scripts stay Debian 12's 1.8.1.
    public static let ubuntu2404Like = DerivedGuestRecipe(
        name: "ubuntu2404-like",
        base: debian12,
        edits: ubuntuIdentity(version: "24.04", point: "24.04.1", codename: "noble", adjective: "Noble Numbat")
            + [
                kdumpToolsVersion("1:1.10.3ubuntu2"),
                .replace(path: "/etc/default/grub.d/kdump-tools.cfg",
                         old: #"GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M""#,
                         new: #"GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M""#),
            ])

    /// The files libguestfs' inspection reads to name the distro: /etc/os-release (a link to
    /// /usr/lib/os-release on both Debian and Ubuntu) in the shape of Ubuntu's base-files, /etc/lsb-release
    /// (Ubuntu ships it, Debian does not), and the hostname. The os-release wording follows Ubuntu's
    /// published files; it is not a fact of the reference.
    private static func ubuntuIdentity(version: String, point: String, codename: String, adjective: String) -> [GuestFileEdit] {
        [
            .replace(path: "/usr/lib/os-release", old: debian12OSRelease, new: """
                PRETTY_NAME="Ubuntu \(point) LTS"
                NAME="Ubuntu"
                VERSION_ID="\(version)"
                VERSION="\(point) LTS (\(adjective))"
                VERSION_CODENAME=\(codename)
                ID=ubuntu
                ID_LIKE=debian
                HOME_URL="https://www.ubuntu.com/"
                SUPPORT_URL="https://help.ubuntu.com/"
                BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
                PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
                UBUNTU_CODENAME=\(codename)

                """),
            .create(path: "/etc/lsb-release", text: """
                DISTRIB_ID=Ubuntu
                DISTRIB_RELEASE=\(version)
                DISTRIB_CODENAME=\(codename)
                DISTRIB_DESCRIPTION="Ubuntu \(point) LTS"

                """, mode: 0o644),
            .replace(path: "/etc/hostname", old: debian12.hostname + "\n",
                     new: "ubuntu" + version.replacingOccurrences(of: ".", with: "") + "\n"),
        ]
    }

    /// kdump-tools' `Version:` in the dpkg status, which kdumpbake reads (through libguestfs) to pick the
    /// release rules. The whole stanza head is matched so the edit cannot land on another package.
    private static func kdumpToolsVersion(_ version: String) -> GuestFileEdit {
        let head = """
            Package: kdump-tools
            Status: install ok installed
            Priority: optional
            Section: devel
            Installed-Size: 116
            Maintainer: Debian Kdump <team+kdump@tracker.debian.org>
            Architecture: amd64

            """
        return .replace(path: "/var/lib/dpkg/status", old: head + "Version: 1:1.8.1\n", new: head + "Version: \(version)\n")
    }

    /// Debian 12's /usr/lib/os-release (base-files 12.4+deb12uN), replaced whole.
    private static let debian12OSRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        HOME_URL="https://www.debian.org/"
        SUPPORT_URL="https://www.debian.org/support"
        BUG_REPORT_URL="https://bugs.debian.org/"

        """
}
