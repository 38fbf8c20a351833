extension GuestRecipe {
    /// A SLES 15 SP5 look-alike with SUSE's kdump 1.0.2 as installed and never configured: MBR, ext4
    /// /boot and xfs /, not usr-merged, two kernels (5.14.21-150500.55.39-default, the /boot/vmlinuz
    /// link and grub default, and 55.36), `.ko.zst` modules, grub2 without crashkernel=, the shipped
    /// /etc/sysconfig/kdump, kdump.service present but not enabled, no `kernel.panic`. The stand-in
    /// mkdumprd follows kdump 1.0.2's rules (`StandInSuseMkdumprd`).
    public static let sles155: GuestRecipe = Sles15.recipe(sp: 5)

    /// The same guest after someone followed KB2858695 (written for SLES 11 SP2/SP3):
    /// `KDUMP_COMMANDLINE_APPEND="ata_piix.prefer_ms_hyperv=0"` (kdump-other-families.md L293–294).
    public static let sles155PreferMsHyperv: GuestRecipe = Sles15.recipe(sp: 5, commandLineAppend: "ata_piix.prefer_ms_hyperv=0")

    /// A SLES 15 SP6 look-alike: kdump 2.0, whose one initrd is /var/lib/kdump/initrd for the kernel
    /// /var/lib/kdump/kernel points at (L315–318); kernels 6.4.0-150600.23.25 (default) and 23.22.
    public static let sles156: GuestRecipe = Sles15.recipe(sp: 6)
}

extension Flavor {
    /// el7+ link /bin, /sbin, /lib, /lib64 into /usr; el6 and SLES 15 keep them as directories.
    var isUsrMerged: Bool { self == .el7 || self == .el8 }

    /// What module file names end in after `.ko`: SLES 15 kernels compress their modules with zstd
    /// (kdumpbake's observation of SP4+ kernels, not in the reference notes). The stand-in module
    /// files stay plain filler text whatever their name says; nothing reads their contents.
    var moduleCompression: String { self == .sles15 ? ".zst" : "" }

    /// The boot initrd a kernel package installs: /boot/initrd-KVER on SUSE (the kdump one adds
    /// `-kdump`, L309), /boot/initramfs-KVER.img on Red Hat.
    func bootInitrdPath(_ kver: String) -> String {
        self == .sles15 ? "/boot/initrd-\(kver)" : "/boot/initramfs-\(kver).img"
    }
}

/// The contents of the SLES 15 look-alikes, after kdump-other-families.md ("SLES 12 SP5 / SLES 15
/// SPx", cited as L<line>). File texts are kdumpbake's own words around the shipped variable values.
enum Sles15 {
    static func kernels(sp: Int) -> [String] {   // newest (default) first
        sp >= 6 ? ["6.4.0-150600.23.25-default", "6.4.0-150600.23.22-default"]
            : ["5.14.21-150500.55.39-default", "5.14.21-150500.55.36-default"]
    }

    static func release(sp: Int) -> StandInSuseRelease { sp >= 6 ? .sle15sp6 : .sle15sp5 }

    static func layout(sp: Int) -> DiskLayout {
        DiskLayout(totalMiB: 512, bootMiB: 64, bootFS: .ext4, rootFS: .xfs,
                   bootUUID: "b000015\(sp)-0150-4015-8015-000000000001",
                   rootUUID: "f000015\(sp)-0150-4015-8015-000000000002",
                   diskID: "0x0015015\(sp)")
    }

    static func recipe(sp: Int, commandLineAppend: String = "") -> GuestRecipe {
        let layout = layout(sp: sp), kernels = kernels(sp: sp)
        let name = "sles15\(sp)" + (commandLineAppend.isEmpty ? "" : "append")
        var recipe = CommonTree.skeleton(name: name, flavor: .sles15, layout: layout)
            .withFile("/etc/os-release", osRelease(sp: sp))
            .withFile("/etc/hostname", "sles15sp\(sp)\n")
            .withFile("/etc/fstab", fstab(layout))
        for kernel in kernels { recipe = recipe.withKernel(kernel) }
        recipe = recipe
            // The kernel package's links to the newest kernel; 2.0's mkdumprd defaults to it (L316).
            .withSymlink("/boot/vmlinuz", to: "vmlinuz-\(kernels[0])")
            .withSymlink("/boot/initrd", to: "initrd-\(kernels[0])")
            .withFile("/etc/default/grub", defaultGrub)
            .withFile("/boot/grub2/grub.cfg", grubCfg(sp: sp, layout: layout, kernels: kernels), mode: 0o600)
            .withFile("/boot/grub2/grubenv", GuestTexts.grubenv(["saved_entry=SLES 15-SP\(sp)"]), mode: 0o600)
            .withFile("/etc/sysconfig/kdump", sysconfigKdump(release: release(sp: sp), append: commandLineAppend), mode: 0o600)
            .withFile("/etc/sysctl.conf", sysctlConf)
            .withDirectory("/etc/dracut.conf.d")
            .withFile("/etc/dracut.conf", "# TEST STAND-IN /etc/dracut.conf: settings go in /etc/dracut.conf.d/*.conf.\n")
            .withFile("/usr/sbin/mkdumprd", StandInSuseMkdumprd.script(release(sp: sp)), mode: 0o755)
            .withFile("/usr/lib/systemd/system/kdump.service", kdumpService)
            .withFile("/usr/lib/systemd/system/kdump-early.service", kdumpEarlyService)
        if sp >= 6 { recipe = recipe.withDirectory("/var/lib/kdump") }
        return recipe
    }

    static func osRelease(sp: Int) -> String {
        """
        NAME="SLES"
        VERSION="15-SP\(sp)"
        VERSION_ID="15.\(sp)"
        PRETTY_NAME="SUSE Linux Enterprise Server 15 SP\(sp)"
        ID="sles"
        ID_LIKE="suse"
        ANSI_COLOR="0;32"
        CPE_NAME="cpe:/o:suse:sles:15:sp\(sp)"

        """
    }

    static func fstab(_ layout: DiskLayout) -> String {
        """
        UUID=\(layout.rootUUID) / \(layout.rootFS.rawValue) defaults 0 0
        UUID=\(layout.bootUUID) /boot \(layout.bootFS.rawValue) defaults 0 2

        """
    }

    /// In the shape of the pure tests' `SlesTexts.defaultGrub`: the kdump reservation belongs in
    /// GRUB_CMDLINE_LINUX_DEFAULT (L298–301), which has none yet.
    static let defaultGrub = """
        GRUB_DISTRIBUTOR=
        GRUB_DEFAULT=saved
        GRUB_HIDDEN_TIMEOUT=0
        GRUB_HIDDEN_TIMEOUT_QUIET=true
        GRUB_TIMEOUT=8
        GRUB_CMDLINE_LINUX_DEFAULT="splash=silent mitigations=auto quiet"
        GRUB_CMDLINE_LINUX=""
        GRUB_TERMINAL="console"
        GRUB_DISABLE_OS_PROBER="true"

        """

    static let commandLine = "splash=silent mitigations=auto quiet"

    /// grub2-mkconfig's output reduced to what kdumpbake reads: the saved_entry header, the main
    /// entry (newest kernel) and the advanced submenu with one entry per kernel. /boot is its own
    /// partition, so the paths are relative to it.
    static func grubCfg(sp: Int, layout: DiskLayout, kernels: [String]) -> String {
        func entry(_ title: String, _ id: String, _ kernel: String, indent: String) -> String {
            """
            \(indent)menuentry '\(title)' --class sles --class gnu-linux --class gnu --class os $menuentry_id_option '\(id)' {
            \(indent)\tinsmod gzio
            \(indent)\tinsmod part_msdos
            \(indent)\tinsmod ext2
            \(indent)\tsearch --no-floppy --fs-uuid --set=root \(layout.bootUUID)
            \(indent)\techo\t'Loading Linux \(kernel) ...'
            \(indent)\tlinux\t/vmlinuz-\(kernel) root=UUID=\(layout.rootUUID) ${extra_cmdline} \(commandLine)
            \(indent)\techo\t'Loading initial ramdisk ...'
            \(indent)\tinitrd\t/initrd-\(kernel)
            \(indent)}

            """
        }
        let header = """
            #
            # DO NOT EDIT THIS FILE
            #
            # TEST STAND-IN grub.cfg in the shape grub2-mkconfig writes on SLES 15.
            #

            ### BEGIN /etc/grub.d/00_header ###
            \(GuestTexts.grub2DefaultFromGrubenv)
            set timeout=8
            ### END /etc/grub.d/00_header ###

            ### BEGIN /etc/grub.d/10_linux ###

            """
        var text = header + entry("SLES 15-SP\(sp)", "gnulinux-simple-\(layout.rootUUID)", kernels[0], indent: "")
        text += "submenu 'Advanced options for SLES 15-SP\(sp)' --hotkey=1 $menuentry_id_option 'gnulinux-advanced-\(layout.rootUUID)' {\n"
        for kernel in kernels {
            text += entry("SLES 15-SP\(sp), with Linux \(kernel)", "gnulinux-\(kernel)-advanced-\(layout.rootUUID)", kernel, indent: "\t")
        }
        return text + "}\n\n### END /etc/grub.d/10_linux ###\n"
    }

    /// The variables of the package's sysconfig.kdump with the line's shipped values (L280–284):
    /// KDUMP_SAVEDIR a URL and 5 old dumps kept before 2.0, a path and 0 from 2.0.
    static func sysconfigKdump(release: StandInSuseRelease, append: String) -> String {
        let v2 = release == .sle15sp6
        return """
            ## TEST STAND-IN /etc/sysconfig/kdump: the variables and shipped values of \(release.packageName), kdumpbake's comments.
            ## Read as shell by load.sh and mkdumprd.
            KDUMP_KERNELVER=""
            KDUMP_CPUS=1
            KDUMP_COMMANDLINE=""
            KDUMP_COMMANDLINE_APPEND="\(append)"
            KDUMP_AUTO_RESIZE="no"
            KEXEC_OPTIONS=""
            KDUMP_IMMEDIATE_REBOOT="yes"
            KDUMP_TRANSFER=""
            KDUMP_SAVEDIR="\(v2 ? "/var/crash" : "file:///var/crash")"
            KDUMP_KEEP_OLD_DUMPS=\(v2 ? 0 : 5)
            KDUMP_FREE_DISK_SIZE=64
            KDUMP_VERBOSE=3
            KDUMP_DUMPLEVEL=31
            KDUMP_DUMPFORMAT="compressed"
            KDUMP_CONTINUE_ON_ERROR="true"
            KDUMP_REQUIRED_PROGRAMS=""
            KDUMP_PRESCRIPT=""
            KDUMP_POSTSCRIPT=""
            KDUMP_NETCONFIG="auto"
            KDUMP_NET_TIMEOUT=30

            """
    }

    static let sysctlConf = """
        # TEST STAND-IN /etc/sysctl.conf: empty, as shipped (settings go in /etc/sysctl.d).

        """

    /// kdump.service runs `load.sh --update`, which rebuilds the initrd through mkdumprd when it is
    /// stale (L325–329); `Also=` enables kdump-early.service with it.
    static let kdumpService = """
        # TEST STAND-IN for kdumpbake's test images: not SUSE's unit.
        [Unit]
        Description=Load kdump kernel and initrd (test stand-in)
        After=local-fs.target network.service kdump-early.service

        [Service]
        Type=oneshot
        ExecStart=/usr/lib/kdump/load.sh --update
        ExecStop=/usr/lib/kdump/unload.sh
        RemainAfterExit=true

        [Install]
        WantedBy=multi-user.target
        Also=kdump-early.service

        """

    /// kdump-early.service runs `load.sh --shrink` (L326–327).
    static let kdumpEarlyService = """
        # TEST STAND-IN for kdumpbake's test images: not SUSE's unit.
        [Unit]
        Description=Load kdump kernel early on startup (test stand-in)
        DefaultDependencies=no
        After=local-fs.target

        [Service]
        Type=oneshot
        ExecStart=/usr/lib/kdump/load.sh --shrink
        RemainAfterExit=true
        SuccessExitStatus=6

        [Install]
        WantedBy=multi-user.target

        """
}
