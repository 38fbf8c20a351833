import CGuestfs
import SystemPackage

/// File metadata without following symlinks (from `struct guestfs_statns`).
public struct FileStatus: Sendable, Equatable {
    /// Type and permission bits, as in `st_mode` (`0o100644` for a regular file rw-r--r--).
    public var mode: UInt32
    public var uid: Int64
    public var gid: Int64
    public var size: Int64
    public var inode: Int64
    /// Modification time, seconds and nanoseconds since the epoch.
    public var mtimeSeconds: Int64
    public var mtimeNanoseconds: Int64

    /// The permission bits only (`0o644`).
    public var permissions: UInt32 { mode & 0o7777 }
    public var isRegularFile: Bool { mode & 0o170000 == 0o100000 }
    public var isDirectory: Bool { mode & 0o170000 == 0o040000 }
    public var isSymlink: Bool { mode & 0o170000 == 0o120000 }
}

/// Which attributes `copyAttributes` copies (`struct guestfs_copy_attributes_argv`).
public struct AttributeSet: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let mode = AttributeSet(rawValue: 1)
    public static let ownership = AttributeSet(rawValue: 2)
    /// Extended attributes, including `security.selinux`.
    public static let extendedAttributes = AttributeSet(rawValue: 4)
    public static let all: AttributeSet = [.mode, .ownership, .extendedAttributes]
}

extension GuestfsHandle {
    /// Metadata of `path` itself, not a symlink's target (`guestfs_lstatns`).
    public func lstat(_ path: String) throws -> FileStatus {
        guard let stat = guestfs_lstatns(raw, path) else { throw lastError("lstatns") }
        defer { guestfs_free_statns(stat) }
        let s = stat.pointee
        return FileStatus(
            mode: UInt32(truncatingIfNeeded: s.st_mode), uid: s.st_uid, gid: s.st_gid,
            size: s.st_size, inode: s.st_ino, mtimeSeconds: s.st_mtime_sec, mtimeNanoseconds: s.st_mtime_nsec
        )
    }

    /// Copies mode, ownership and/or extended attributes from one file to another
    /// (`guestfs_copy_attributes_argv`) — how a replacement file keeps the original's owner,
    /// permissions and SELinux label.
    public func copyAttributes(from source: String, to destination: String, _ attributes: AttributeSet = .all) throws {
        var args = guestfs_copy_attributes_argv()
        args.bitmask = kdb_COPY_ATTRIBUTES_MODE | kdb_COPY_ATTRIBUTES_OWNERSHIP | kdb_COPY_ATTRIBUTES_XATTRIBUTES
        args.mode = attributes.contains(.mode) ? 1 : 0
        args.ownership = attributes.contains(.ownership) ? 1 : 0
        args.xattributes = attributes.contains(.extendedAttributes) ? 1 : 0
        try check("copy_attributes", guestfs_copy_attributes_argv(raw, source, destination, &args))
    }

    /// One extended attribute of `path` itself, not following symlinks (`guestfs_lgetxattr`);
    /// nil when the file does not have it.
    public func extendedAttribute(_ name: String, of path: String) throws -> [UInt8]? {
        do {
            return try checkBytes("lgetxattr") { guestfs_lgetxattr(raw, path, name, $0) }
        } catch let error as GuestfsError where error.errno == .noData {
            return nil
        }
    }

    /// Sets an extended attribute on `path` itself (`guestfs_lsetxattr`), e.g. `security.selinux`.
    public func setExtendedAttribute(_ name: String, _ value: [UInt8], of path: String) throws {
        try withCBuffer(value) { try check("lsetxattr", guestfs_lsetxattr(raw, name, $0, Int32($1), path)) }
    }

    /// Sets permission bits (`guestfs_chmod`).
    public func setPermissions(_ mode: UInt32, of path: String) throws {
        try check("chmod", guestfs_chmod(raw, Int32(mode), path))
    }

    /// Sets owner and group (`guestfs_chown`).
    public func setOwner(uid: Int, gid: Int, of path: String) throws {
        try check("chown", guestfs_chown(raw, Int32(clamping: uid), Int32(clamping: gid), path))
    }

    /// The architecture of an ELF binary or kernel module (`guestfs_file_architecture`), e.g. `x86_64`.
    public func fileArchitecture(_ path: String) throws -> String {
        try checkString("file_architecture", guestfs_file_architecture(raw, path))
    }

    /// Sets access and modification times (`guestfs_utimens`).
    public func setTimes(_ path: String, mtimeSeconds: Int64, mtimeNanoseconds: Int64 = 0) throws {
        try check("utimens", guestfs_utimens(raw, path, mtimeSeconds, mtimeNanoseconds, mtimeSeconds, mtimeNanoseconds))
    }
}
