import Foundation

/// Turns a `RealGuestRecipe` into a raw disk: debootstrap installs the system into a host directory, a few
/// files a chroot install cannot produce are written (fstab, hostname, grub.cfg), and mke2fs -d copies the
/// tree into the root partition (no mounts, no loop devices, as for the look-alike images).
enum RealGuestBuilder {
    static func buildRaw(_ recipe: RealGuestRecipe, at image: String, workDir: String, packageCache: String) throws {
        let tree = workDir + "/tree"
        try Debootstrap.install(recipe, into: tree, packageCache: packageCache)
        try finish(recipe, tree: tree)
        try DiskBuilder.buildSingleRootDisk(tree: tree, at: image, totalMiB: recipe.diskMiB,
                                            rootUUID: recipe.rootUUID, diskID: recipe.diskID)
    }

    /// What turns a debootstrap chroot into something that looks like an installed cloud image.
    static func finish(_ recipe: RealGuestRecipe, tree: String) throws {
        let kernels = try installedKernels(tree)
        guard !kernels.isEmpty else {
            throw TestImageError.message("debootstrap of \(recipe.name) installed no kernel under /boot")
        }
        // debootstrap copies the build host's /etc/hostname and /etc/resolv.conf into the target: replace
        // the first, drop the second (a cloud image gets its resolver from DHCP at boot).
        try replace(tree, "/etc/hostname", recipe.hostname + "\n")
        try remove(tree, "/etc/resolv.conf")
        // Cloud images ship an empty machine-id (systemd makes one at first boot); debootstrap's is random.
        try replace(tree, "/etc/machine-id", "")
        // debootstrap writes "# UNCONFIGURED FSTAB FOR BASE SYSTEM".
        try replace(tree, "/etc/fstab", """
            # /etc/fstab: static file system information.
            UUID=\(recipe.rootUUID) / ext4 rw,discard,errors=remount-ro 0 1

            """)
        // update-grub writes grub.cfg read-only when it holds no password (grub-mkconfig's chmod 444).
        try replace(tree, "/boot/grub/grub.cfg",
                    DebianGrubConfig.text(kernels: kernels, rootUUID: recipe.rootUUID, arguments: recipe.kernelArguments),
                    mode: 0o444)
        // `apt-get clean`, as image builds do: the .debs stay in the host's package cache only.
        let archives = tree + "/var/cache/apt/archives"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: archives)) ?? [] where name.hasSuffix(".deb") {
            try FileManager.default.removeItem(atPath: archives + "/" + name)
        }
    }

    /// Kernel versions with a /boot/vmlinuz-KVER, newest first by version sort (update-grub's order, so the
    /// first is the default entry).
    static func installedKernels(_ tree: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: tree + "/boot")
        let versions = names.filter { $0.hasPrefix("vmlinuz-") }.map { String($0.dropFirst("vmlinuz-".count)) }
        guard !versions.isEmpty else { return [] }
        let sorted = try HostCommand.run(["sort", "-V", "-r"], stdin: Data((versions.joined(separator: "\n") + "\n").utf8))
        return String(decoding: sorted, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Writes a file of the tree, first removing whatever is there, so a symlink a package left at that
    /// path is replaced rather than followed out of the tree.
    private static func replace(_ tree: String, _ path: String, _ text: String, mode: Int = 0o644) throws {
        let host = tree + path
        try remove(tree, path)
        try FileManager.default.createDirectory(atPath: (host as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: host, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw TestImageError.message("cannot write \(path) in the \(tree) tree")
        }
    }

    private static func remove(_ tree: String, _ path: String) throws {
        let host = tree + path
        if (try? FileManager.default.attributesOfItem(atPath: host)) != nil {
            try FileManager.default.removeItem(atPath: host)
        }
    }
}
