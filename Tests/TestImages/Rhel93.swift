extension GuestRecipe {
    /// A RHEL 9.3 look-alike: MBR, ext4 /boot and xfs /, usrmerge, two kernels (5.14.0-362 default and
    /// 5.14.0-284), BLS entries with literal `options … crashkernel=<RHEL 9 default>`, /etc/kernel/cmdline,
    /// a grubenv without kernelopts, 9.3's default kdump.conf and /etc/sysconfig/kdump, kdump.service
    /// enabled, no `kernel.panic`. Stand-in kdumpctl and mkdumprd follow 9.3's rules.
    public static let rhel93: GuestRecipe = Rhel93.recipe

    /// The same guest whose boot entries, /etc/kernel/cmdline and /etc/default/grub still say
    /// `crashkernel=auto` (carried over from RHEL 8), which RHEL 9 kernels ignore (reference L55–61).
    public static let rhel93CrashkernelAuto: GuestRecipe = Rhel93.recipe(crashkernel: "auto")
}

/// The contents of `GuestRecipe.rhel93`, after kdump-other-families.md ("RHEL family 8 / 9 / 10").
enum Rhel93 {
    static let kernels = ["5.14.0-362.8.1.el9_3.x86_64", "5.14.0-284.11.1.el9_2.x86_64"]   // newest (default) first
    static let release = StandInRelease.rhel93
    static let machineID = "9393939393939393939393939393930a"
    /// `kdumpctl get-default-crashkernel` on 9.3, x86_64 (L59–61).
    static let defaultCrashkernel = "1G-4G:192M,4G-64G:256M,64G-:512M"

    static let layout = DiskLayout(
        totalMiB: 512, bootMiB: 64, bootFS: .ext4, rootFS: .xfs,
        bootUUID: "b0000093-0930-4093-8093-000000000001",
        rootUUID: "f0000093-0930-4093-8093-000000000002",
        diskID: "0x00093093")

    static var recipe: GuestRecipe { recipe(crashkernel: defaultCrashkernel) }

    static func cmdline(_ crashkernel: String) -> String {
        "root=UUID=\(layout.rootUUID) ro crashkernel=\(crashkernel) console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300"
    }

    static func recipe(crashkernel: String) -> GuestRecipe {
        var recipe = CommonTree.skeleton(name: crashkernel == "auto" ? "rhel93auto" : "rhel93", flavor: .el8, layout: layout)
            .withFile("/etc/redhat-release", "Red Hat Enterprise Linux release 9.3 (Plow)\n")
            .withSymlink("/etc/system-release", to: "redhat-release")
            .withFile("/etc/os-release", osRelease)
            .withFile("/etc/hostname", "rhel93.localdomain\n")
            .withFile("/etc/machine-id", machineID + "\n")
        for kernel in kernels {
            recipe = recipe
                .withKernel(kernel)
                .withFile("/boot/loader/entries/\(machineID)-\(kernel).conf", blsEntry(kernel, options: cmdline(crashkernel)))
        }
        return recipe
            .withFile("/etc/kernel/cmdline", cmdline(crashkernel) + "\n")
            .withFile("/etc/default/grub", defaultGrub(crashkernel))
            .withFile("/boot/grub2/grub.cfg", El8Texts.grubCfg, mode: 0o600)
            .withFile("/boot/grub2/grubenv", GuestTexts.grubenv(["saved_entry=\(machineID)-\(kernels[0])", "boot_success=0"]), mode: 0o600)
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
        VERSION="9.3 (Plow)"
        ID="rhel"
        ID_LIKE="fedora"
        VERSION_ID="9.3"
        PLATFORM_ID="platform:el9"
        PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"

        """

    /// A BLS entry as kernel-install writes one on RHEL 9: literal options (L77).
    static func blsEntry(_ kernel: String, options: String) -> String {
        """
        title Red Hat Enterprise Linux (\(kernel)) 9.3 (Plow)
        version \(kernel)
        linux /vmlinuz-\(kernel)
        initrd /initramfs-\(kernel).img $tuned_initrd
        options \(options)
        grub_users $grub_users
        grub_arg --unrestricted
        grub_class rhel

        """
    }

    static func defaultGrub(_ crashkernel: String) -> String {
        """
        GRUB_TIMEOUT=1
        GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"
        GRUB_DEFAULT=saved
        GRUB_DISABLE_SUBMENU=true
        GRUB_TERMINAL_OUTPUT="console"
        GRUB_CMDLINE_LINUX="crashkernel=\(crashkernel) console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0 rootdelay=300"
        GRUB_DISABLE_RECOVERY="true"
        GRUB_ENABLE_BLSCFG=true

        """
    }

    /// 9.3's defaults (L36–38): auto_reset_crashkernel yes, path and core_collector; comments are
    /// kdumpbake's own words.
    static let kdumpConf = """
        # TEST STAND-IN /etc/kdump.conf with RHEL 9.3's default directives (see kdump.conf(5) on a real system).
        auto_reset_crashkernel yes
        path /var/crash
        core_collector makedumpfile -l --message-level 7 -d 31
        #failure_action shell
        #force_no_rebuild 1

        """

    /// 9.3's x86_64 KDUMP_COMMANDLINE_APPEND default (L31–35): 8.9's list without rootflags=nofail,
    /// with cma=0 hugetlb_cma=0.
    static let commandLineAppend = "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=0 numa=off udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never nokaslr hest_disable cma=0 hugetlb_cma=0"
}

/// Texts the RHEL 8 and 9 look-alikes share.
enum El8Texts {
    /// A BLS-era grub.cfg: the entries come from /boot/loader/entries through `blscfg`.
    static let grubCfg = """
        #
        # DO NOT EDIT THIS FILE
        #
        # TEST STAND-IN grub.cfg of a BLS system: the menu is built from /boot/loader/entries.
        #
        set pager=1
        if [ -f ${config_directory}/grubenv ]; then
          load_env -f ${config_directory}/grubenv
        elif [ -s $prefix/grubenv ]; then
          load_env
        fi
        if [ "${next_entry}" ] ; then
           set default="${next_entry}"
           set next_entry=
           save_env next_entry
           set boot_once=true
        else
           set default="${saved_entry}"
        fi
        insmod blscfg
        blscfg

        """

    static func sysconfigKdump(append: String) -> String {
        """
        # TEST STAND-IN /etc/sysconfig/kdump: the variables of the real file, kdumpbake's comments.
        # KDUMP_COMMANDLINE_APPEND is the whole default list (not merged with a built-in one).
        KDUMP_KERNELVER=""
        KDUMP_COMMANDLINE=""
        KDUMP_COMMANDLINE_REMOVE="hugepages hugepagesz slub_debug quiet log_buf_len swiotlb cma hugetlb_cma ignition.firstboot"
        KDUMP_COMMANDLINE_APPEND="\(append)"
        KEXEC_ARGS="-s"
        KDUMP_IMG="vmlinuz"
        KDUMP_IMG_EXT=""

        """
    }

    static let sysctlConf = """
        # sysctl settings are defined through files in
        # /usr/lib/sysctl.d/, /run/sysctl.d/, and /etc/sysctl.d/.

        """

    static let defaultSysctl = """
        # TEST STAND-IN systemd 50-default.conf (the settings kdumpbake's audit reads around kernel.panic)
        kernel.sysrq = 16
        kernel.core_uses_pid = 1
        fs.protected_hardlinks = 1
        fs.protected_symlinks = 1

        """

    static let kdumpService = """
        # TEST STAND-IN for kdumpbake's test images: not Red Hat's unit.
        [Unit]
        Description=Crash recovery kernel arming
        After=network.target network-online.target remote-fs.target basic.target
        DefaultDependencies=no
        ConditionKernelCommandLine=crashkernel

        [Service]
        Type=oneshot
        ExecStart=/usr/bin/kdumpctl start
        ExecStop=/usr/bin/kdumpctl stop
        ExecReload=/usr/bin/kdumpctl reload
        RemainAfterExit=yes
        StartLimitInterval=0

        [Install]
        WantedBy=multi-user.target

        """
}
