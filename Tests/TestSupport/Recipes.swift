import TestImages

/// Test guests edited by hand to what the built-in profiles require: the audit must call them compliant.
public enum CompliantRecipes {
    public static let el6Kernel = "2.6.32-358.el6.x86_64"
    public static let el7Kernels = ["3.10.0-1127.el7.x86_64", "3.10.0-1160.el7.x86_64"]

    /// KB2858695's block for RHEL/CentOS 6.4, kernel.panic = 5, and a kdump initrd without hv drivers.
    public static let centos64 = GuestRecipe.centos64
        .withFile("/etc/kdump.conf", """
            # kdump.conf edited by hand to KB2858695
            \(GuestTexts.kb2858695El6)

            """)
        .withFile("/etc/sysctl.conf", "# Kernel sysctl configuration file\nkernel.sysrq = 0\nkernel.panic = 5\n")
        .withKdumpInitrd("/boot/initrd-\(el6Kernel)kdump.img", kernel: el6Kernel,
                         modules: ["ata_piix", "sr_mod", "sd_mod", "virtio_blk", "virtio_scsi"],
                         files: ["init": ["ata_piix.ko prefer_ms_hyperv=0", "cdrom.ko", "sr_mod.ko", "sd_mod.ko", "virtio_scsi.ko"]
                            .map { "insmod /lib/modules/\(el6Kernel)/\($0)\n" }.joined()])

    /// Current-host el7 recipe: hv drivers forced into the kdump initrd, kernel.panic in sysctl.d.
    /// One kdump initrd is xz-compressed behind an early-microcode cpio, as dracut writes them.
    public static let centos79 = GuestRecipe.centos79
        .withFile("/etc/kdump.conf", """
            path /var/crash
            core_collector makedumpfile -l --message-level 1 -d 31
            dracut_args --add-drivers "hv_vmbus hv_storvsc"

            """)
        .withFile("/etc/sysctl.d/90-panic.conf", "kernel.panic = 5\n")
        .withKdumpInitrd("/boot/initramfs-\(el7Kernels[0])kdump.img", kernel: el7Kernels[0],
                         modules: ["hv_vmbus", "hv_storvsc", "sd_mod"])
        .withKdumpInitrd("/boot/initramfs-\(el7Kernels[1])kdump.img", kernel: el7Kernels[1],
                         modules: ["hv_vmbus", "hv_storvsc", "sd_mod"], compression: "xz", earlyMicrocode: true)

    /// The compliant 6.4 guest after `yum update kexec-tools` to 6.10's 2.0.0-310: its rpm database says
    /// so, and that release cuts trailing comments (6.4's -258 would take `# note` into the value).
    public static func centos64UpdatedKexecTools() throws -> GuestRecipe {
        try centos64
            .withFile("/etc/kdump.conf", """
                path /var/crash   # where vmcores go
                core_collector makedumpfile -c --message-level 1 -d 31
                extra_modules ata_piix sr_mod sd_mod
                blacklist hv_vmbus hv_storvsc hv_utils hv_netvsc hid-hyperv
                options ata_piix prefer_ms_hyperv=0
                disk_timeout 100

                """)
            .withKexecToolsPackage(version: "2.0.0", release: "310.el6")
    }
}
