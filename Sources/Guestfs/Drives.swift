import CGuestfs

/// How a disk image is attached (`struct guestfs_add_drive_opts_argv`).
///
/// `format` is required on purpose: qemu probes a fixed VHD as *raw* (its footer then counts as
/// disk), and probing a raw image a guest wrote is a known security hole. Callers always say
/// what the image is: `"raw"`, `"qcow2"` or `"vpc"` (VHD).
public struct DriveOptions: Sendable, Equatable {
    /// qemu's format name: `"raw"`, `"qcow2"`, `"vpc"` for VHD.
    public var format: String
    /// Attach read-only: qemu never writes to the file. Inside the appliance, writes (such as a
    /// journal replay when mounting a dirty filesystem) go to a throw-away overlay.
    public var readonly: Bool
    /// With `readonly`, also mark the device read-only in the appliance's kernel
    /// (`guestfs_blockdev_setro` at launch), so any write fails loudly instead of vanishing into
    /// the overlay. Off by default: it also prevents mounting filesystems with a dirty journal.
    public var refuseWrites: Bool
    /// A label the drive is reachable under as `/dev/disk/guestfs/LABEL`.
    public var label: String?
    /// qemu cache mode: `"writeback"` (default, safe) or `"unsafe"` (fast scratch disks).
    public var cachemode: String?
    /// Discard (TRIM) passthrough: `"disable"`, `"enable"`, `"besteffort"`.
    public var discard: String?

    public init(format: String, readonly: Bool, refuseWrites: Bool = false, label: String? = nil, cachemode: String? = nil, discard: String? = nil) {
        self.format = format
        self.readonly = readonly
        self.refuseWrites = refuseWrites
        self.label = label
        self.cachemode = cachemode
        self.discard = discard
    }
}

extension GuestfsHandle {
    /// Attaches a disk image (`guestfs_add_drive_opts_argv`). Devices appear in the appliance
    /// in the order drives are added: `/dev/sda`, `/dev/sdb`, …
    public func addDrive(_ path: String, _ options: DriveOptions) throws {
        // The C struct borrows these strings; they stay alive until the call returns.
        try options.format.withCString { format in
            try withOptionalCString(options.label) { label in
                try withOptionalCString(options.cachemode) { cachemode in
                    try withOptionalCString(options.discard) { discard in
                        var args = guestfs_add_drive_opts_argv()
                        args.bitmask = kdb_ADD_DRIVE_FORMAT | kdb_ADD_DRIVE_READONLY
                        args.format = format
                        args.readonly = options.readonly ? 1 : 0
                        if let label { args.bitmask |= kdb_ADD_DRIVE_LABEL; args.label = label }
                        if let cachemode { args.bitmask |= kdb_ADD_DRIVE_CACHEMODE; args.cachemode = cachemode }
                        if let discard { args.bitmask |= kdb_ADD_DRIVE_DISCARD; args.discard = discard }
                        try check("add_drive_opts", guestfs_add_drive_opts_argv(raw, path, &args))
                        if options.readonly && options.refuseWrites { readOnlyDriveIndices.append(driveCount) }
                        driveCount += 1
                    }
                }
            }
        }
    }

    /// Attaches a temporary empty disk of `bytes` bytes, deleted when the handle closes
    /// (`guestfs_add_drive_scratch_argv`).
    public func addScratchDrive(bytes: Int64, label: String? = nil) throws {
        try withOptionalCString(label) { label in
            var args = guestfs_add_drive_scratch_argv()
            if let label { args.bitmask |= kdb_ADD_DRIVE_SCRATCH_LABEL; args.label = label }
            try check("add_drive_scratch", guestfs_add_drive_scratch_argv(raw, bytes, &args))
            driveCount += 1
        }
    }
}
