import TestImages
@testable import KdumpBakeCore

/// Builds `GuestFacts` by hand for the pure check tests: the same shape `GuestFactsReader`
/// produces from an appliance, without one. Value type: every modifier returns a copy.
struct FactsBuilder {
    private(set) var facts: GuestFacts

    init(distro: String = "centos", version: DistroVersion, product: String = "") {
        facts = GuestFacts(os: GuestOS(type: "linux", distro: distro, version: version, arch: "x86_64",
                                       productName: product, root: "/dev/sda1"))
    }

    static func el6() -> FactsBuilder { FactsBuilder(version: DistroVersion(6, 4), product: "CentOS release 6.4 (Final)") }
    static func el7() -> FactsBuilder { FactsBuilder(version: DistroVersion(7, 9), product: "CentOS Linux release 7.9.2009 (Core)") }
    static func el8() -> FactsBuilder { FactsBuilder(distro: "rocky", version: DistroVersion(8, 8), product: "Rocky Linux release 8.8") }

    /// A regular file that was read. `resolvedPath` when the guest path is a symlink.
    func file(_ path: String, _ text: String, mtime: Int64? = 1_000, resolvedPath: String? = nil) -> FactsBuilder {
        with(GuestFile(path: path, resolvedPath: resolvedPath, state: .read(bytes: Array(text.utf8)), mtime: mtime))
    }

    /// A file in another state (masked, missing, not regular, too large).
    func file(_ path: String, state: GuestFile.State, resolvedPath: String? = nil) -> FactsBuilder {
        with(GuestFile(path: path, resolvedPath: resolvedPath, state: state))
    }

    func without(_ path: String) -> FactsBuilder {
        var copy = self
        copy.facts.files[path] = nil
        return copy
    }

    func kernels(_ versions: String...) -> FactsBuilder { kernels(versions) }

    func kernels(_ versions: [String]) -> FactsBuilder {
        var copy = self
        copy.facts.kernels = versions
        return copy
    }

    /// A kdump initrd whose module list was read.
    func initrd(_ path: String, mtime: Int64? = 2_000, modules: [String]) -> FactsBuilder {
        withInitrd(KdumpInitrd(path: path, exists: true, mtime: mtime, modules: .success(modules)))
    }

    /// A kdump initrd whose module list and small files (el6 `init`, dracut's
    /// `usr/lib/dracut/loaded-kernel-modules.txt`) were read.
    func initrd(_ path: String, mtime: Int64? = 2_000, modules: [String], files: [String: String]) -> FactsBuilder {
        withInitrd(KdumpInitrd(path: path, exists: true, mtime: mtime, modules: .success(modules),
                               files: files.mapValues { Array($0.utf8) }))
    }

    /// The installed kexec-tools package as the rpm database names it.
    func package(_ version: String) -> FactsBuilder {
        var copy = self
        copy.facts.kexecToolsPackage = KexecToolsVersion(parsing: version)
        return copy
    }

    /// A file whose age matters, not its bytes (a kernel image, /etc/fstab).
    func mtime(_ path: String, _ seconds: Int64) -> FactsBuilder {
        var copy = self
        copy.facts.mtimes[path] = seconds
        return copy
    }

    /// A kdump initrd whose module list could not be read.
    func initrd(_ path: String, mtime: Int64? = 2_000, failure: String) -> FactsBuilder {
        withInitrd(KdumpInitrd(path: path, exists: true, mtime: mtime, modules: .failure(InitrdReadFailure(failure))))
    }

    func withoutInitrds() -> FactsBuilder {
        var copy = self
        copy.facts.kdumpInitrds = [:]
        return copy
    }

    func mkdumprd(_ path: String?) -> FactsBuilder {
        var copy = self
        copy.facts.mkdumprdPath = path
        return copy
    }

    func serviceLinks(_ links: String...) -> FactsBuilder {
        var copy = self
        copy.facts.serviceLinks = links
        return copy
    }

    var build: GuestFacts { facts }

    private func with(_ file: GuestFile) -> FactsBuilder {
        var copy = self
        copy.facts.files[file.path] = file
        return copy
    }

    private func withInitrd(_ initrd: KdumpInitrd) -> FactsBuilder {
        var copy = self
        copy.facts.kdumpInitrds[initrd.path] = initrd
        return copy
    }
}

/// The built-in manifest's profiles, and hand-made variants of them.
enum Profiles {
    static let manifest = Manifest.builtin()

    static func named(_ name: String) -> Profile {
        guard let profile = manifest.profile(named: name) else { fatalError("no built-in profile \(name)") }
        return profile
    }

    static func named(_ name: String, _ change: (inout Profile) -> Void) -> Profile {
        var profile = named(name)
        change(&profile)
        return profile
    }
}

extension FactsBuilder {
    func context(_ profile: String) -> CheckContext { CheckContext(facts: facts, profile: Profiles.named(profile)) }
    func context(_ profile: Profile) -> CheckContext { CheckContext(facts: facts, profile: profile) }
}

/// Texts and guests that satisfy the built-in profiles, to be broken one detail at a time.
enum Fixture {
    static let el6Kernel = "2.6.32-358.el6.x86_64"
    static let el7Kernel = "3.10.0-1160.el7.x86_64"
    static let el8Kernel = "4.18.0-477.10.1.el8_8.x86_64"

    static let el6Initrd = "/boot/initrd-\(el6Kernel)kdump.img"
    static let el7Initrd = "/boot/initramfs-\(el7Kernel)kdump.img"
    static let el8Initrd = "/boot/initramfs-\(el8Kernel)kdump.img"

    /// KB2858695's block for RHEL/CentOS 6.4 (what el6-hyperv requires).
    static let el6KdumpConf = """
        # KB2858695
        \(GuestTexts.kb2858695El6)

        """

    static let el7AzureKdumpConf = """
        path /var/crash
        core_collector makedumpfile -l --message-level 1 -d 31
        dracut_args --add-drivers "hv_vmbus hv_storvsc"

        """

    static let el8AzureKdumpConf = """
        path /var/crash
        core_collector makedumpfile -l --message-level 7 -d 31
        dracut_args --add-drivers "hv_vmbus hv_storvsc hv_netvsc nvme"
        force_no_rebuild 1
        failure_action reboot

        """

    static func grubConf(_ entries: [(kernel: String, arguments: String)], default index: Int = 0) -> String {
        var text = "default=\(index)\ntimeout=5\nhiddenmenu\n"
        for entry in entries {
            text += """
                title CentOS (\(entry.kernel))
                        root (hd0,0)
                        kernel /vmlinuz-\(entry.kernel) ro root=UUID=1234 rd_NO_LUKS \(entry.arguments)
                        initrd /initramfs-\(entry.kernel).img

                """
        }
        return text
    }

    /// grub.cfg as grub2-mkconfig writes it on el7: the default comes from grubenv's saved_entry.
    static func grubCfg(kernel: String = el7Kernel, arguments: String) -> String {
        """
        \(GuestTexts.grub2DefaultFromGrubenv)
        ### BEGIN /etc/grub.d/10_linux ###
        menuentry 'CentOS Linux (\(kernel)) 7 (Core)' --class centos --class gnu-linux $menuentry_id_option 'gnulinux-\(kernel)-advanced-1234' {
                load_video
                set gfxpayload=keep
                insmod xfs
                linux16 /vmlinuz-\(kernel) root=UUID=1234 ro \(arguments)
                initrd16 /initramfs-\(kernel).img
        }
        menuentry 'CentOS Linux (0-rescue-abc) 7 (Core)' --class centos $menuentry_id_option 'gnulinux-0-rescue-abc-advanced-1234' {
                linux16 /vmlinuz-0-rescue-abc root=UUID=1234 ro
                initrd16 /initramfs-0-rescue-abc.img
        }
        ### END /etc/grub.d/10_linux ###

        """
    }

    static func grubEnv(_ lines: [String]) -> String { GuestTexts.grubenv(lines) }

    static func defaultGrub(cmdline: String) -> String {
        """
        GRUB_TIMEOUT=5
        GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"
        GRUB_DEFAULT=saved
        GRUB_CMDLINE_LINUX="\(cmdline)"
        GRUB_DISABLE_RECOVERY="true"

        """
    }

    static func blsEntry(kernel: String = el8Kernel, options: String = "$kernelopts $tuned_params") -> String {
        """
        title Rocky Linux (\(kernel)) 8.8 (Green Obsidian)
        version \(kernel)
        linux /vmlinuz-\(kernel)
        initrd /initramfs-\(kernel).img $tuned_initrd
        options \(options)
        id rocky-20230513-\(kernel)
        grub_users $grub_users
        grub_arg --unrestricted
        grub_class kernel

        """
    }

    static let blsMachineID = "0123456789abcdef0123456789abcdef"

    /// The /init el6 mkdumprd writes for KB2858695's block: an insmod line per loaded module.
    static let el6Init = ["mbcache.ko", "jbd2.ko", "ext4.ko", "ata_piix.ko prefer_ms_hyperv=0", "sr_mod.ko", "sd_mod.ko"]
        .map { "insmod /lib/modules/\(el6Kernel)/\($0)\n" }.joined()

    /// A CentOS 6.4 guest as el6-hyperv wants it.
    static var el6: FactsBuilder {
        FactsBuilder.el6()
            .file("/etc/sysctl.conf", "# Kernel sysctl configuration file\nkernel.sysrq = 0\nkernel.panic = 5\n")
            .file("/etc/kdump.conf", el6KdumpConf, mtime: 1_000)
            .file("/etc/sysconfig/kdump", "KDUMP_COMMANDLINE_APPEND=\"irqpoll maxcpus=1 reset_devices\"\n", mtime: 900)
            .file("/boot/grub/grub.conf", grubConf([(el6Kernel, "crashkernel=auto rhgb quiet")]))
            .kernels(el6Kernel)
            .initrd(el6Initrd, mtime: 2_000, modules: ["ata_piix", "sr_mod", "sd_mod", "ext4", "jbd2", "mbcache"],
                    files: ["init": el6Init])
            .mkdumprd("/sbin/mkdumprd")
            .serviceLinks("/etc/rc.d/rc3.d/S26kdump", "/etc/rc.d/rc5.d/S26kdump")
    }

    /// A CentOS 7.9 guest as el7-azure wants it.
    static var el7: FactsBuilder {
        FactsBuilder.el7()
            .file("/etc/sysctl.conf", "# System default settings live in /usr/lib/sysctl.d/00-system.conf.\n")
            .file("/etc/sysctl.d/99-sysctl.conf", "# System default settings live in /usr/lib/sysctl.d/00-system.conf.\n",
                  resolvedPath: "/etc/sysctl.conf")
            .file("/etc/sysctl.d/90-panic.conf", "kernel.panic = 5\n")
            .file("/usr/lib/sysctl.d/50-default.conf", "kernel.sysrq = 16\nkernel.core_uses_pid = 1\n")
            .file("/etc/kdump.conf", el7AzureKdumpConf, mtime: 1_000)
            .file("/etc/sysconfig/kdump", "KDUMP_COMMANDLINE_APPEND=\"irqpoll nr_cpus=1 reset_devices\"\n", mtime: 900)
            .file("/etc/default/grub", defaultGrub(cmdline: "crashkernel=auto console=ttyS0 earlyprintk=ttyS0"))
            .file("/boot/grub2/grub.cfg", grubCfg(arguments: "crashkernel=auto console=ttyS0 earlyprintk=ttyS0"))
            .file("/boot/grub2/grubenv", grubEnv(["saved_entry=CentOS Linux (\(el7Kernel)) 7 (Core)"]))
            .kernels(el7Kernel)
            .initrd(el7Initrd, mtime: 2_000, modules: ["hv_vmbus", "hv_storvsc", "sd_mod", "xfs"])
            .mkdumprd("/usr/sbin/mkdumprd")
            .serviceLinks("/etc/systemd/system/multi-user.target.wants/kdump.service")
    }

    /// A Rocky 8.8 guest as el8-azure wants it: crashkernel= lives in grubenv's kernelopts.
    static var el8: FactsBuilder {
        FactsBuilder.el8()
            .file("/etc/sysctl.d/90-panic.conf", "kernel.panic = 5\n")
            .file("/etc/kdump.conf", el8AzureKdumpConf, mtime: 1_000)
            .file("/etc/default/grub", defaultGrub(cmdline: "crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M console=ttyS0"))
            .file("/boot/loader/entries/\(blsMachineID)-\(el8Kernel).conf", blsEntry())
            .file("/boot/grub2/grubenv", grubEnv([
                "saved_entry=\(blsMachineID)-\(el8Kernel)",
                "kernelopts=root=/dev/mapper/rl-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M console=ttyS0",
            ]))
            .kernels(el8Kernel)
            .initrd(el8Initrd, mtime: 2_000, modules: ["hv_vmbus", "hv_storvsc", "hv_netvsc", "nvme", "sd_mod", "xfs"])
            .mkdumprd("/usr/sbin/mkdumprd")
            .serviceLinks("/etc/systemd/system/multi-user.target.wants/kdump.service")
    }
}
