import CGuestfs

// Paths here are paths inside the appliance (guest filesystems mounted under "/").
// libguestfs resolves them in the appliance, never on the host, so guest symlinks cannot
// point a call at a host file.
extension GuestfsHandle {
    /// Whether `path` is a regular file (`guestfs_is_file_opts_argv`); with `followSymlinks`
    /// a symlink to a regular file counts.
    public func isFile(_ path: String, followSymlinks: Bool = false) throws -> Bool {
        var args = guestfs_is_file_opts_argv()
        args.bitmask = kdb_IS_FILE_FOLLOWSYMLINKS
        args.followsymlinks = followSymlinks ? 1 : 0
        return try checkBool("is_file", guestfs_is_file_opts_argv(raw, path, &args))
    }

    /// Whether `path` is a directory (`guestfs_is_dir_opts_argv`).
    public func isDirectory(_ path: String, followSymlinks: Bool = false) throws -> Bool {
        var args = guestfs_is_dir_opts_argv()
        args.bitmask = kdb_IS_DIR_FOLLOWSYMLINKS
        args.followsymlinks = followSymlinks ? 1 : 0
        return try checkBool("is_dir", guestfs_is_dir_opts_argv(raw, path, &args))
    }

    /// Whether `path` is a symbolic link (`guestfs_is_symlink`).
    public func isSymlink(_ path: String) throws -> Bool {
        try checkBool("is_symlink", guestfs_is_symlink(raw, path))
    }

    /// Whether anything exists at `path`, following symlinks (`guestfs_exists`).
    public func exists(_ path: String) throws -> Bool {
        try checkBool("exists", guestfs_exists(raw, path))
    }

    /// The target of a symlink, unresolved (`guestfs_readlink`).
    public func readlink(_ path: String) throws -> String {
        try checkString("readlink", guestfs_readlink(raw, path))
    }

    /// The canonical path, all symlinks resolved inside the appliance (`guestfs_realpath`).
    public func realpath(_ path: String) throws -> String {
        try checkString("realpath", guestfs_realpath(raw, path))
    }

    /// The exact bytes of a file (`guestfs_read_file`); may contain NULs or invalid UTF-8.
    /// The whole file crosses the protocol: check the size first for untrusted files.
    public func readFile(_ path: String) throws -> [UInt8] {
        try checkBytes("read_file") { guestfs_read_file(raw, path, $0) }
    }

    /// Up to `count` bytes of a file from `offset` (`guestfs_pread`). One protocol round trip,
    /// unlike `readFile`, which libguestfs 1.48 implements as a download through a temporary
    /// file (~0.15 s per file under TCG); limited to ~2 MiB per call by the protocol.
    public func pread(_ path: String, count: Int, offset: Int64 = 0) throws -> [UInt8] {
        if count == 0 { return [] }
        return try checkBytes("pread") { guestfs_pread(raw, path, Int32(clamping: count), offset, $0) }
    }

    /// A text file (`guestfs_cat`). Stops at the first NUL byte; use `readFile` for exact bytes.
    public func cat(_ path: String) throws -> String {
        try checkString("cat", guestfs_cat(raw, path))
    }

    /// Creates or overwrites a file with exactly `bytes` (`guestfs_write`). An existing file keeps
    /// its inode, owner, mode and SELinux label.
    public func write(_ path: String, _ bytes: [UInt8]) throws {
        try withCBuffer(bytes) { try check("write", guestfs_write(raw, path, $0, $1)) }
    }

    /// Copies a guest file to a host file (`guestfs_download`), in chunks: unlike `readFile`,
    /// not limited by the protocol's 4 MiB message size. Used for initrds.
    public func download(_ path: String, toHostFile hostPath: String) throws {
        try check("download", guestfs_download(raw, path, hostPath))
    }

    /// Creates a symbolic link `linkName` pointing at `target` (`guestfs_ln_s`).
    public func symlink(_ target: String, at linkName: String) throws {
        try check("ln_s", guestfs_ln_s(raw, target, linkName))
    }

    /// Creates or overwrites a file with UTF-8 text (`guestfs_write`).
    public func write(_ path: String, text: String) throws {
        try write(path, Array(text.utf8))
    }

    /// Renames or moves within the appliance (`guestfs_mv`); atomic within one filesystem.
    public func move(_ source: String, to destination: String) throws {
        try check("mv", guestfs_mv(raw, source, destination))
    }

    /// Copies a file (`guestfs_cp`).
    public func copy(_ source: String, to destination: String) throws {
        try check("cp", guestfs_cp(raw, source, destination))
    }

    /// Removes a file; fails if it does not exist (`guestfs_rm`).
    public func remove(_ path: String) throws {
        try check("rm", guestfs_rm(raw, path))
    }

    /// Removes a file if it exists (`guestfs_rm_f`).
    public func removeIfPresent(_ path: String) throws {
        try check("rm_f", guestfs_rm_f(raw, path))
    }

    /// Creates a directory and its parents (`guestfs_mkdir_p`).
    public func makeDirectories(_ path: String) throws {
        try check("mkdir_p", guestfs_mkdir_p(raw, path))
    }

    /// Removes a file or a directory tree; nothing there is not an error (`guestfs_rm_rf`).
    public func removeRecursively(_ path: String) throws {
        try check("rm_rf", guestfs_rm_rf(raw, path))
    }

    /// Creates a new directory from a template ending in `XXXXXX` and returns its path
    /// (`guestfs_mkdtemp`): a name nothing in the guest could have prepared in advance.
    public func makeTemporaryDirectory(_ template: String) throws -> String {
        try checkString("mkdtemp", guestfs_mkdtemp(raw, template))
    }

    /// Names in a directory, without `.` and `..` (`guestfs_ls`).
    public func list(_ directory: String) throws -> [String] {
        try checkList("ls", guestfs_ls(raw, directory))
    }

    /// Every path below a directory, relative to it (`guestfs_find`): `["a", "c", "c/d"]`.
    ///
    /// libguestfs 1.48 returns these with a leading slash (`"/c/d"`) although its documentation
    /// says relative; the slash is stripped so callers get the documented form either way.
    public func find(_ directory: String) throws -> [String] {
        try checkList("find", guestfs_find(raw, directory)).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
    }

    /// Expands a glob inside the appliance (`guestfs_glob_expand_opts_argv`); no match gives `[]`.
    public func glob(_ pattern: String, directorySlash: Bool = false) throws -> [String] {
        var args = guestfs_glob_expand_opts_argv()
        args.bitmask = kdb_GLOB_EXPAND_DIRECTORYSLASH
        args.directoryslash = directorySlash ? 1 : 0
        return try checkList("glob_expand", guestfs_glob_expand_opts_argv(raw, pattern, &args))
    }
}
