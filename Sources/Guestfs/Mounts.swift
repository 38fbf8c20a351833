import CGuestfs

extension GuestfsHandle {
    /// Mounts a filesystem read-write in the appliance (`guestfs_mount`). Nothing is mounted on the host.
    public func mount(_ device: String, at mountpoint: String) throws {
        try check("mount", guestfs_mount(raw, device, mountpoint))
    }

    /// Mounts a filesystem read-only in the appliance (`guestfs_mount_ro`).
    public func mountReadOnly(_ device: String, at mountpoint: String) throws {
        try check("mount_ro", guestfs_mount_ro(raw, device, mountpoint))
    }

    /// Mounts with explicit mount options (`guestfs_mount_options`), e.g. `"ro,norecovery,nouuid"`
    /// for an xfs that shares its UUID with another attached image.
    public func mount(_ device: String, at mountpoint: String, options: String) throws {
        try check("mount_options", guestfs_mount_options(raw, options, device, mountpoint))
    }

    /// Unmounts every filesystem (`guestfs_umount_all`).
    public func unmountAll() throws {
        try check("umount_all", guestfs_umount_all(raw))
    }

    /// Whole block devices in the order the drives were added (`guestfs_list_devices`).
    public func listDevices() throws -> [String] {
        try checkList("list_devices", guestfs_list_devices(raw))
    }

    /// The filesystem type on a device or partition (`guestfs_vfs_type`): `ext4`, `xfs`,
    /// `LVM2_member`, `swap`, or empty when blkid finds nothing.
    public func filesystemType(_ device: String) throws -> String {
        try checkString("vfs_type", guestfs_vfs_type(raw, device))
    }

    /// What blkid says about a device in one run (`guestfs_blkid`): `TYPE`, `UUID`, `LABEL`, …;
    /// throws when blkid finds nothing there. One appliance command instead of one each for
    /// `vfs_type`, `vfs_uuid` and `vfs_label` (~0.25 s each under TCG).
    public func blockAttributes(_ device: String) throws -> [String: String] {
        let pairs = try checkList("blkid", guestfs_blkid(raw, device))
        var attributes: [String: String] = [:]
        for index in stride(from: 0, to: pairs.count - 1, by: 2) { attributes[pairs[index]] = pairs[index + 1] }
        return attributes
    }

    /// A filesystem's UUID (`guestfs_vfs_uuid`); empty when it has none.
    public func filesystemUUID(_ device: String) throws -> String {
        try checkString("vfs_uuid", guestfs_vfs_uuid(raw, device))
    }

    /// A filesystem's label (`guestfs_vfs_label`); empty when it has none.
    public func filesystemLabel(_ device: String) throws -> String {
        try checkString("vfs_label", guestfs_vfs_label(raw, device))
    }

    /// Partitions (`guestfs_list_partitions`), e.g. `["/dev/sda1", "/dev/sda2"]`.
    public func listPartitions() throws -> [String] {
        try checkList("list_partitions", guestfs_list_partitions(raw))
    }

    /// Filesystems and their types (`guestfs_list_filesystems`), e.g. `("/dev/sda1", "ext4")`.
    public func listFilesystems() throws -> [(device: String, type: String)] {
        let pairs = try checkList("list_filesystems", guestfs_list_filesystems(raw))
        return stride(from: 0, to: pairs.count - 1, by: 2).map { (device: pairs[$0], type: pairs[$0 + 1]) }
    }

    /// Writes a single-partition table covering the whole device (`guestfs_part_disk`);
    /// `tableType` is `"mbr"` or `"gpt"`. Used to build scratch disks.
    public func partitionWholeDisk(_ device: String, tableType: String) throws {
        try check("part_disk", guestfs_part_disk(raw, device, tableType))
    }

    /// Makes a filesystem (`guestfs_mkfs_opts_argv`).
    public func makeFilesystem(_ type: String, on device: String, label: String? = nil) throws {
        try withOptionalCString(label) { label in
            var args = guestfs_mkfs_opts_argv()
            if let label { args.bitmask |= kdb_MKFS_LABEL; args.label = label }
            try check("mkfs_opts", guestfs_mkfs_opts_argv(raw, type, device, &args))
        }
    }
}
