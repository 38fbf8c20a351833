@testable import KdumpBakeCore

/// The files of a Debian/Ubuntu guest with kdump-tools, as the packages install them (facts:
/// kdump-other-families.md L159–191, L228–241, L360–376). The real Debian 12 guest of the
/// appliance tests is the reference these imitate.
enum DebianTexts {
    static let kernel = "6.1.0-27-cloud-amd64"
    static let secondKernel = "6.1.0-27-amd64"
    static let initrd = "/var/lib/kdump/initrd.img-\(kernel)"

    /// /etc/default/kdump-tools as shipped (kdump-tools.conf, L159–163): the append commented out.
    static let defaults = """
        # kdump-tools configuration
        # USE_KDUMP - controls kdump will be configured
        USE_KDUMP=1
        KDUMP_KERNEL=/var/lib/kdump/vmlinuz
        KDUMP_INITRD=/var/lib/kdump/initrd.img
        KDUMP_COREDIR="/var/crash"
        #KDUMP_CMDLINE_APPEND="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb"

        """

    /// The line of kdump-config that carries the default (1.8.1 L60); Debian 11's build adds
    /// `ata_piix.prefer_ms_hyperv=0` (debian/rules, L171–176).
    static func kdumpConfig(debian11: Bool = false) -> String {
        """
        #!/bin/sh
        . /etc/default/kdump-tools
        MAKEDUMP_ARGS=${MAKEDUMP_ARGS:="-c -d 31"}
        KDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb\(debian11 ? " ata_piix.prefer_ms_hyperv=0" : "")"}

        """
    }

    /// /etc/default/grub.d/kdump-tools.cfg (L186–188).
    static let kdumpToolsGrub = "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M\"\n"

    static let defaultGrub = """
        GRUB_DEFAULT=0
        GRUB_TIMEOUT=5
        GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
        GRUB_CMDLINE_LINUX_DEFAULT="quiet"
        GRUB_CMDLINE_LINUX=""

        """

    /// /boot/grub/grub.cfg as update-grub writes it: a normal entry, then the advanced submenu
    /// with a normal and a recovery entry per kernel.
    static func grubCfg(arguments: String = "ro quiet") -> String {
        """
        set default="0"
        menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-0a1b' {
        \tlinux\t/boot/vmlinuz-\(kernel) root=UUID=0a1b \(arguments)
        \tinitrd\t/boot/initrd.img-\(kernel)
        }
        submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-0a1b' {
        \tmenuentry 'Debian GNU/Linux, with Linux \(kernel)' --class debian $menuentry_id_option 'gnulinux-\(kernel)-advanced-0a1b' {
        \t\tlinux\t/boot/vmlinuz-\(kernel) root=UUID=0a1b \(arguments)
        \t\tinitrd\t/boot/initrd.img-\(kernel)
        \t}
        \tmenuentry 'Debian GNU/Linux, with Linux \(kernel) (recovery mode)' --class debian $menuentry_id_option 'gnulinux-\(kernel)-recovery-0a1b' {
        \t\tlinux\t/boot/vmlinuz-\(kernel) root=UUID=0a1b ro single
        \t\tinitrd\t/boot/initrd.img-\(kernel)
        \t}
        }

        """
    }

    static let kdumpSysctl = "kernel.panic_on_oops=1\nkernel.panic=10\n"

    /// A Debian 12 guest right after `apt install kdump-tools` into an image whose grub.cfg was
    /// generated before (L367–370): kdump-tools.cfg carries crashkernel=, grub.cfg does not, no
    /// kdump initrd, the service enabled.
    static func freshInstall(debian11: Bool = false) -> FactsBuilder {
        FactsBuilder(distro: "debian", version: DistroVersion(debian11 ? 11 : 12), product: "Debian GNU/Linux \(debian11 ? 11 : 12) (\(debian11 ? "bullseye" : "bookworm"))")
            .file(KdumpToolsPaths.defaults, defaults)
            .file(KdumpToolsPaths.kdumpConfig, kdumpConfig(debian11: debian11))
            .file(KdumpToolsPaths.kdumpSysctl, kdumpSysctl)
            .file("/etc/default/grub", defaultGrub)
            .file("/etc/default/grub.d/kdump-tools.cfg", kdumpToolsGrub)
            .file(KdumpToolsPaths.grubConfig, grubCfg())
            .file("/etc/sysctl.d/99-sysctl.conf", "# /etc/sysctl.conf\n", resolvedPath: "/etc/sysctl.conf")
            .file(KdumpToolsPaths.modulesBuiltin(kernel), "kernel/drivers/nvme/host/nvme.ko\nkernel/fs/ext4/ext4.ko\n")
            .mtime(KdumpToolsPaths.mkinitramfs, 1_000)
            .mtime(KdumpToolsPaths.unitCandidates[0], 1_000)
            .serviceLinks(KdumpToolsPaths.wantsLink)
            .kernels(kernel)
    }

    /// The same guest after a bake: the initrd with the Azure drivers and its sysctl snapshot.
    static func baked(_ builder: FactsBuilder, modules: [String] = ["hv_vmbus", "hv_storvsc", "hv_netvsc", "ata_piix", "libata", "ext4", "sd_mod"]) -> FactsBuilder {
        builder
            .initrd(initrd, modules: modules)
            .file("/var/lib/kdump/latest_sysctls-\(kernel)", kdumpSysctl)
            .file(KdumpToolsPaths.grubConfig, grubCfg(arguments: "ro quiet crashkernel=384M-:128M panic=5"))
            .file("/etc/sysctl.d/99-zz-kdumpbake.conf", "# Reboot 5 s after a kernel panic instead of hanging (kdumpbake, profile debian-azure).\nkernel.panic = 5\n")
    }
}
