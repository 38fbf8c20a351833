extension GuestRecipe {
    /// A RHEL 8.9 look-alike: BLS entries `options $kernelopts $tuned_params` with the parameters in
    /// grubenv's `kernelopts=` (reference L78–82), which here lacks crashkernel= (an image prepared
    /// per Azure's guide that removed it), 8.9's default kdump.conf and /etc/sysconfig/kdump, one kernel.
    /// Stand-in kdumpctl and mkdumprd follow 8.9's rules.
    public static let rhel89: GuestRecipe = Rhel89.recipe
}

/// The contents of `GuestRecipe.rhel89`, after kdump-other-families.md ("RHEL family 8 / 9 / 10").
enum Rhel89 {
    static let kernel = "4.18.0-513.5.1.el8_9.x86_64"
    static let release = StandInRelease.rhel89
    static let machineID = "8989898989898989898989898989890a"

    static let layout = DiskLayout(
        totalMiB: 512, bootMiB: 64, bootFS: .ext4, rootFS: .xfs,
        bootUUID: "b0000089-0890-4089-8089-000000000001",
        rootUUID: "f0000089-0890-4089-8089-000000000002",
        diskID: "0x00089089")

    static let kernelopts = "root=UUID=\(layout.rootUUID) ro console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300"

    static var recipe: GuestRecipe {
        CommonTree.skeleton(name: "rhel89", flavor: .el8, layout: layout)
            .withFile("/etc/redhat-release", "Red Hat Enterprise Linux release 8.9 (Ootpa)\n")
            .withSymlink("/etc/system-release", to: "redhat-release")
            .withFile("/etc/os-release", osRelease)
            .withFile("/etc/hostname", "rhel89.localdomain\n")
            .withFile("/etc/machine-id", machineID + "\n")
            .withKernel(kernel)
            .withFile("/boot/loader/entries/\(machineID)-\(kernel).conf", blsEntry)
            .withFile("/etc/default/grub", defaultGrub)
            .withFile("/boot/grub2/grub.cfg", El8Texts.grubCfg, mode: 0o600)
            .withFile("/boot/grub2/grubenv", GuestTexts.grubenv(["saved_entry=\(machineID)-\(kernel)", "kernelopts=\(kernelopts)", "boot_success=0"]),
                      mode: 0o600)
            .withFile("/etc/kdump.conf", kdumpConf)
            .withFile("/etc/sysconfig/kdump", El8Texts.sysconfigKdump(append: commandLineAppend))
            .withFile("/etc/sysctl.conf", El8Texts.sysctlConf)
            .withSymlink("/etc/sysctl.d/99-sysctl.conf", to: "../sysctl.conf")
            .withFile("/usr/lib/sysctl.d/50-default.conf", El8Texts.defaultSysctl)
            .withFile("/usr/sbin/mkdumprd", StandInEl8Mkdumprd.script(release), mode: 0o755)
            .withFile("/usr/bin/kdumpctl", StandInEl8Kdumpctl.script(release), mode: 0o755)
            .withFile("/usr/lib/systemd/system/kdump.service", El8Texts.kdumpService)
            .withSymlink("/etc/systemd/system/multi-user.target.wants/kdump.service", to: "/usr/lib/systemd/system/kdump.service")
    }

    static let osRelease = """
        NAME="Red Hat Enterprise Linux"
        VERSION="8.9 (Ootpa)"
        ID="rhel"
        ID_LIKE="fedora"
        VERSION_ID="8.9"
        PLATFORM_ID="platform:el8"
        PRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"

        """

    /// As grubby-bls's mkbls writes it (L78).
    static let blsEntry = """
        title Red Hat Enterprise Linux (\(kernel)) 8.9 (Ootpa)
        version \(kernel)
        linux /vmlinuz-\(kernel)
        initrd /initramfs-\(kernel).img $tuned_initrd
        options $kernelopts $tuned_params
        id rhel-20231020-\(kernel)
        grub_users $grub_users
        grub_arg --unrestricted
        grub_class kernel

        """

    static let defaultGrub = """
        GRUB_TIMEOUT=1
        GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"
        GRUB_DEFAULT=saved
        GRUB_DISABLE_SUBMENU=true
        GRUB_TERMINAL_OUTPUT="console"
        GRUB_CMDLINE_LINUX="console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300"
        GRUB_DISABLE_RECOVERY="true"
        GRUB_ENABLE_BLSCFG=true

        """

    /// 8.9's defaults: path and core_collector (no auto_reset_crashkernel, which 8 refuses: L46).
    static let kdumpConf = """
        # TEST STAND-IN /etc/kdump.conf with RHEL 8.9's default directives (see kdump.conf(5) on a real system).
        path /var/crash
        core_collector makedumpfile -l --message-level 7 -d 31

        """

    /// 8.9's x86_64 default (L31–33: has panic=10 rootflags=nofail).
    static let commandLineAppend = "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=0 numa=off udev.children-max=2 panic=10 rootflags=nofail acpi_no_memhotplug transparent_hugepage=never nokaslr novmcoredd hest_disable"
}
