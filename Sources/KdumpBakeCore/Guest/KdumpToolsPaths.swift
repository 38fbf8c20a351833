/// Where a kdump-tools guest (Debian, Ubuntu) keeps what the checks read. Facts:
/// ../shared/reference/kdump-other-families.md, Debian/Ubuntu section (L<line>).
public enum KdumpToolsPaths {
    /// Shell variables sourced by kdump-config and both units (L159–163).
    public static let defaults = "/etc/default/kdump-tools"
    /// The service's script, read as text for its built-in `KDUMP_CMDLINE_APPEND` default (L167–169).
    public static let kdumpConfig = "/usr/sbin/kdump-config"
    /// Applied inside the capture boot, and compared with `latest_sysctls-KVER` (L177–181, L216–220).
    public static let kdumpSysctl = "/etc/kdump/sysctl.conf"
    /// The generated grub configuration whose `linux` lines the boot really reads (L193–195).
    public static let grubConfig = "/boot/grub/grub.cfg"
    /// Sourced after /etc/default/grub, in name order, by update-grub (L186–193).
    public static let grubDefaultsDirectory = "/etc/default/grub.d"
    public static let grubDefaultsGlob = "/etc/default/grub.d/*.cfg"
    /// The link deb-systemd-helper creates (`WantedBy=basic.target`, L229–231).
    public static let wantsLink = "/etc/systemd/system/basic.target.wants/kdump-tools.service"
    /// Where the unit file may be: /lib on Debian ≤ 12 and Ubuntu, /usr/lib from Debian 13.
    public static let unitCandidates = ["/lib/systemd/system/kdump-tools.service", "/usr/lib/systemd/system/kdump-tools.service"]
    /// initramfs-tools' builder; without it nothing builds the kdump initrd (L204–205, L362–366).
    public static let mkinitramfs = "/usr/sbin/mkinitramfs"
    /// The guest's installed packages, for the kdump-tools version.
    public static let dpkgStatus = "/var/lib/dpkg/status"

    static let fixedFiles = [defaults, kdumpConfig, kdumpSysctl, grubConfig]

    /// Paths whose existence (not content) matters; the reader stats them.
    public static let presenceProbes = [mkinitramfs] + unitCandidates

    /// Per-kernel files the reader adds for each covered kernel: the sysctl snapshot the service
    /// compares, and the kernel's list of built-in modules (nvme is built in on cloud kernels, L244–246).
    public static func perKernelFiles(_ kernel: String) -> [String] {
        ["\(KdumpToolsRelease.stateDirectory)/latest_sysctls-\(kernel)", modulesBuiltin(kernel)]
    }

    public static func modulesBuiltin(_ kernel: String) -> String { "/lib/modules/\(kernel)/modules.builtin" }
}
