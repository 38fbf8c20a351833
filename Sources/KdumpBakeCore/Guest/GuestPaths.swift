/// Where kdumpbake looks in a guest. One list for every family: reading a file that a family
/// does not use costs one call, and keeps the facts independent of which profile is chosen.
public enum GuestPaths {
    public static let kdumpConf = "/etc/kdump.conf"
    public static let sysconfigKdump = "/etc/sysconfig/kdump"
    public static let sysctlConf = "/etc/sysctl.conf"
    public static let grubLegacy = ["/boot/grub/grub.conf", "/boot/grub/menu.lst"]
    public static let defaultGrub = "/etc/default/grub"
    public static let grub2Config = "/boot/grub2/grub.cfg"
    public static let grub2Env = "/boot/grub2/grubenv"
    /// el8+: the command line kernel-install gives kernels installed later (reference L84–86).
    public static let kernelCmdline = "/etc/kernel/cmdline"
    public static let fixedFiles = [kdumpConf, sysconfigKdump, sysctlConf, defaultGrub, grub2Config, grub2Env, kernelCmdline] + grubLegacy
        + KdumpToolsPaths.fixedFiles + [SuseKdumpRelease.dracutDropIn]

    /// Globs expanded in the guest; every match is read.
    public static let globbedFiles = [
        "/boot/loader/entries/*.conf",
        "/boot/efi/EFI/*/grub.cfg",
        "/boot/efi/EFI/*/grubenv",
        KdumpToolsPaths.grubDefaultsGlob,
    ]

    /// The BLS entry files among the facts (el8+), in name order.
    public static func bootLoaderEntries(in facts: GuestFacts) -> [String] {
        facts.files.keys.filter { $0.hasPrefix(bootLoaderEntriesDirectory + "/") && $0.hasSuffix(".conf") }.sorted()
    }

    public static let bootLoaderEntriesDirectory = "/boot/loader/entries"

    /// Where systemd-sysctl looks (el7+); el6 reads /etc/sysctl.conf only.
    public static let sysctlDirectories = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"]

    /// Where the rpm database lives: el9+ (`/usr/lib/sysimage`, linked from /var/lib/rpm), then
    /// sqlite under /var/lib/rpm, then el6–el8's Berkeley DB.
    public static let rpmDatabases = ["/usr/lib/sysimage/rpm/rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite", "/var/lib/rpm/Packages"]

    public static let mkdumprdCandidates = ["/sbin/mkdumprd", "/usr/sbin/mkdumprd"]

    /// The link `systemctl enable kdump` creates (el7+).
    public static let kdumpWantsLink = "/etc/systemd/system/multi-user.target.wants/kdump.service"

    /// SysV runlevel links (el6) and the systemd wants link (el7+) that enable kdump at boot.
    public static let serviceLinkGlobs = ["/etc/rc.d/rc3.d/S*kdump", "/etc/rc.d/rc5.d/S*kdump", kdumpWantsLink, KdumpToolsPaths.wantsLink]
}
