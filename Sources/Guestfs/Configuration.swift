import CGuestfs

// Settings that must be made before `launch()`.
extension GuestfsHandle {
    /// Backend settings (`guestfs_set_backend_settings`), e.g. `["force_tcg"]`.
    ///
    /// Set in code rather than only through `LIBGUESTFS_BACKEND_SETTINGS`: one malformed
    /// `LIBGUESTFS_*` variable can make libguestfs ignore the others.
    public var backendSettings: [String] {
        get throws { try checkList("get_backend_settings", guestfs_get_backend_settings(raw)) }
    }

    /// Replaces the backend settings (`guestfs_set_backend_settings`).
    public func setBackendSettings(_ settings: [String]) throws {
        try withCStringArray(settings) { try check("set_backend_settings", guestfs_set_backend_settings(raw, $0)) }
    }

    /// Appliance memory in MiB (`guestfs_set_memsize`); libguestfs refuses less than 256.
    public func setMemsize(_ megabytes: Int) throws {
        try check("set_memsize", guestfs_set_memsize(raw, Int32(clamping: megabytes)))
    }

    /// Appliance memory in MiB (`guestfs_get_memsize`).
    public var memsize: Int {
        get throws { Int(try check("get_memsize", guestfs_get_memsize(raw))) }
    }

    /// Number of appliance vCPUs (`guestfs_set_smp`).
    public func setSMP(_ cpus: Int) throws {
        try check("set_smp", guestfs_set_smp(raw, Int32(clamping: cpus)))
    }

    /// Verbose appliance messages, delivered as `.appliance`/`.library` events (`guestfs_set_verbose`).
    public func setVerbose(_ on: Bool) throws {
        try check("set_verbose", guestfs_set_verbose(raw, on ? 1 : 0))
    }

    /// Traces every libguestfs call, delivered as `.trace` events (`guestfs_set_trace`).
    public func setTrace(_ on: Bool) throws {
        try check("set_trace", guestfs_set_trace(raw, on ? 1 : 0))
    }

    /// Extra appliance kernel command line (`guestfs_get_append`); nil when none is set.
    public var append: String? {
        guestfs_get_append(raw).map { String(cString: $0) }
    }

    /// Sets the extra appliance kernel command line (`guestfs_set_append`); nil clears it.
    public func setAppend(_ append: String?) throws {
        try withOptionalCString(append) { try check("set_append", guestfs_set_append(raw, $0)) }
    }

    /// The hypervisor (qemu binary) libguestfs will run (`guestfs_get_hv`): `LIBGUESTFS_HV` or
    /// the qemu it was built for.
    public var hypervisor: String {
        get throws { try checkString("get_hv", guestfs_get_hv(raw)) }
    }

    /// Sets the hypervisor (qemu binary, or a wrapper that execs one) to run (`guestfs_set_hv`).
    public func setHypervisor(_ path: String) throws {
        try check("set_hv", guestfs_set_hv(raw, path))
    }

    /// Where libguestfs keeps its appliance cache (`guestfs_get_cachedir`): `LIBGUESTFS_CACHEDIR`,
    /// else `/var/tmp`. Persistent across runs, unlike `TMPDIR`.
    public var cacheDirectory: String {
        get throws { try checkString("get_cachedir", guestfs_get_cachedir(raw)) }
    }
}
