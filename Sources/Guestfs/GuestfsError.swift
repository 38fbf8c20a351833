/// A failed libguestfs call.
///
/// libguestfs reports errors through a per-handle "last error" (`guestfs_last_error`,
/// `guestfs_last_errno`) rather than return values alone; `GuestfsHandle` installs a NULL
/// error handler so nothing is printed to stderr behind the caller's back, and turns every
/// failure into one of these values instead.
public struct GuestfsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The libguestfs operation that failed, named as in the C API without the `guestfs_` prefix
    /// (`"add_drive_opts"`, `"launch"`, `"command"`).
    public var operation: String
    /// The message libguestfs gave (`guestfs_last_error`), or ours when the failure is on the Swift side.
    public var message: String
    /// The errno libguestfs recorded (`guestfs_last_errno`); 0 when it recorded none.
    public var errno: Int32

    public init(operation: String, message: String, errno: Int32 = 0) {
        self.operation = operation
        self.message = message
        self.errno = errno
    }

    /// `"launch: qemu exited…"`: libguestfs messages usually name the operation already,
    /// so it is only prefixed when missing.
    public var description: String {
        message.hasPrefix(operation + ":") ? message : "\(operation): \(message)"
    }
}
