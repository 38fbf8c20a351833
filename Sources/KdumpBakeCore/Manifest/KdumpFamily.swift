/// The generation of kdump tooling a guest has, which decides file names, which kdump.conf
/// directives exist (and which are fatal), where sysctl settings live and how the boot loader
/// is configured. A profile names its family; the facts are in ../shared/reference.
public enum KdumpFamily: String, Codable, Sendable, CaseIterable {
    /// RHEL/CentOS 6: mkdumprd of its own, SysV init, legacy grub, /etc/sysctl.conf only.
    case el6
    /// RHEL/CentOS 7: dracut-based mkdumprd via kdumpctl, systemd, grub2, sysctl.d.
    case el7
    /// RHEL 8/9 and rebuilds: as el7, plus BLS boot entries and grubenv `kernelopts`.
    case el8
    /// Debian 11–13 and Ubuntu 18.04–24.04 with Debian's kdump-tools: /etc/default/kdump-tools,
    /// an initramfs-tools kdump initrd in /var/lib/kdump, grub.d and /boot/grub/grub.cfg.
    /// Its rules live in `KdumpToolsRelease`, not `KexecToolsRelease`.
    case kdumpTools = "kdump-tools"
    /// SLES 12 SP5 and 15 SPx with SUSE's `kdump` package: /etc/sysconfig/kdump (KDUMP_*), its own
    /// mkdumprd over dracut, grub2. Its rules live in `SuseKdumpRelease`.
    case sles

}
