import CGuestfs

extension GuestfsHandle {
    /// Runs a program from the guest's root filesystem inside the appliance, chrooted into the
    /// guest (`guestfs_command`), and returns its standard output.
    ///
    /// Arguments are an argv array: no shell ever parses them, so guest-derived text (kernel
    /// versions, file names) cannot inject commands. The guest root must be mounted at `/`, and
    /// /dev, /proc, /sys are bind-mounted for the program. A non-zero exit throws with the
    /// program's stderr in the message.
    public func command(_ arguments: [String]) throws -> String {
        precondition(!arguments.isEmpty, "command needs at least the program path")
        return try withCStringArray(arguments) { try checkString("command", guestfs_command(raw, $0)) }
    }

    /// Lists the files of an initrd (`guestfs_initrd_list`). libguestfs 1.48 reads only
    /// gzip-compressed cpio and only the first archive of a concatenated initrd.
    public func initrdList(_ path: String) throws -> [String] {
        try checkList("initrd_list", guestfs_initrd_list(raw, path))
    }
}
