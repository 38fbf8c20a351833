/// The skeleton both CentOS look-alikes share: the directory layout, a runnable userland (static busybox),
/// accounts and an /etc/fstab matching the disk layout.
///
/// What drives the contents: libguestfs inspection needs /etc, /bin, /etc/fstab and a release file; the
/// appliance's `command` needs /proc, /sys and /dev to bind-mount and a /bin/sh for `#!/bin/sh` scripts;
/// the stand-in kdump tools need the busybox applets they call.
enum CommonTree {
    /// The host's static busybox (Debian busybox-static), copied into every guest.
    static let hostBusybox = "/bin/busybox"

    /// Applets linked to busybox in the guest's /bin: everything the stand-in kdump tools use (mkdumprd,
    /// the el6 init script, el7 kdumpctl; `lsmod` reads the appliance's /proc/modules), plus the basics a
    /// test may want in `sh` (`id`, `expr`; `env` is linked at /usr/bin/env below).
    static let applets = [
        "[", "awk", "basename", "cat", "chmod", "cp", "cpio", "cut", "date", "dirname", "echo", "expr", "false",
        "find", "grep", "gunzip", "gzip", "head", "id", "ln", "ls", "lsmod", "mkdir", "mktemp", "mv", "printf",
        "readlink", "rm", "rmdir", "sed", "sh", "sleep", "sort", "stat", "tail", "test", "touch", "tr", "true",
        "uname", "uniq", "wc", "xargs", "xzcat", "zcat",
    ]

    static func skeleton(name: String, flavor: Flavor, layout: DiskLayout) -> GuestRecipe {
        var recipe = GuestRecipe(name: name, flavor: flavor, layout: layout)
        let top = ["/bin", "/sbin", "/lib", "/lib64"]
        if flavor.isUsrMerged {
            // The el7+ usrmerge: the top-level directories are relative links into /usr.
            for path in top { recipe = recipe.withSymlink(path, to: "usr" + path) }
        } else {
            for path in top { recipe = recipe.withDirectory(path) }
        }
        for path in ["/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/etc", "/etc/sysconfig", "/boot",
                     "/dev", "/home", "/mnt", "/var/crash", "/var/log", "/var/lib"] {
            recipe = recipe.withDirectory(path)
        }
        recipe = recipe
            .withDirectory("/proc", mode: 0o555)
            .withDirectory("/sys", mode: 0o555)
            .withDirectory("/root", mode: 0o550)
            .withDirectory("/tmp", mode: 0o1777)
            .withDirectory("/var/tmp", mode: 0o1777)
            .withHostCopy("/bin/busybox", from: hostBusybox)
        for applet in applets {
            recipe = recipe.withSymlink("/bin/" + applet, to: "busybox")
        }
        recipe = recipe
            .withSymlink("/usr/bin/env", to: flavor.isUsrMerged ? "busybox" : "../../bin/busybox")
            .withFile("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
            .withFile("/etc/group", "root:x:0:\n")
            .withFile("/etc/fstab", fstab(flavor: flavor, layout: layout))
        return recipe
    }

    /// /etc/fstab as anaconda writes it; libguestfs inspection maps / and /boot through it.
    static func fstab(flavor: Flavor, layout: DiskLayout) -> String {
        var text = """

            #
            # /etc/fstab
            # Created by anaconda
            #
            # Accessible filesystems, by reference, are maintained under '/dev/disk'
            # See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info
            #
            UUID=\(layout.rootUUID) /                       \(layout.rootFS.rawValue)    defaults        \(layout.rootFS == .xfs ? "0 0" : "1 1")
            UUID=\(layout.bootUUID) /boot                   \(layout.bootFS.rawValue)    defaults        1 2

            """
        if flavor == .el6 {
            text += """
                tmpfs                   /dev/shm                tmpfs   defaults        0 0
                devpts                  /dev/pts                devpts  gid=5,mode=620  0 0
                sysfs                   /sys                    sysfs   defaults        0 0
                proc                    /proc                   proc    defaults        0 0

                """
        }
        return text
    }
}
