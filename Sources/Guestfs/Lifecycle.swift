import CGuestfs

extension GuestfsHandle {
    /// Starts the appliance (`guestfs_launch`). Blocks until it is ready or has failed;
    /// under TCG this takes tens of seconds. See `ApplianceLauncher` for the KVM→TCG fallback
    /// and the bounded wait the product uses.
    ///
    /// Drives added with `refuseWrites` are then marked read-only in the appliance's kernel
    /// (`guestfs_blockdev_setro`): libguestfs alone sends their writes to a throw-away overlay, so
    /// a stray write would "succeed" silently; with the flag set it fails loudly instead.
    public func launch() throws {
        launchErrors = []
        collectingLaunchErrors = true
        let result = guestfs_launch(raw)
        collectingLaunchErrors = false
        if result == -1 {
            // The cause comes first, the generic "guestfs_launch failed." last.
            var error = lastError("launch")
            let causes = launchErrors.filter { $0 != "guestfs_launch failed." }
            if !causes.isEmpty { error.message = "launch: " + causes.joined(separator: "; ") }
            throw error
        }
        guard !readOnlyDriveIndices.isEmpty else { return }
        let devices = try checkList("list_devices", guestfs_list_devices(raw))
        for index in readOnlyDriveIndices where index < devices.count {
            try check("blockdev_setro", guestfs_blockdev_setro(raw, devices[index]))
        }
    }

    /// Flushes and stops the appliance (`guestfs_shutdown`).
    ///
    /// Call this after writing and before trusting the image: qemu's write-back cache is flushed
    /// here, and a failure to flush surfaces as an error from this call — whereas the implicit
    /// shutdown in `deinit` can only drop it.
    public func shutdown() throws {
        try check("shutdown", guestfs_shutdown(raw))
    }

    /// The qemu process ID (`guestfs_get_pid`); throws when no appliance is running.
    public func hypervisorPID() throws -> Int32 {
        try check("get_pid", guestfs_get_pid(raw))
    }

    /// Flushes the guest filesystems' dirty data to the disk images (`guestfs_sync`).
    public func sync() throws {
        try check("sync", guestfs_sync(raw))
    }

    /// Whether optional feature groups are in this libguestfs build (`guestfs_feature_available`).
    ///
    /// Debian's 1.48 build lacks `"selinuxrelabel"`: this returns false for it instead of the
    /// call failing later with "feature 'selinuxrelabel' is not available in this build".
    public func featureAvailable(_ groups: [String]) throws -> Bool {
        try withCStringArray(groups) { try checkBool("feature_available", guestfs_feature_available(raw, $0)) }
    }
}
