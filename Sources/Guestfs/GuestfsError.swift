import SystemPackage

/// A failed libguestfs call.
///
/// libguestfs reports errors through a per-handle "last error" (`guestfs_last_error`,
/// `guestfs_last_errno`) rather than return values alone; `GuestfsHandle` installs its own
/// error handler so nothing is printed to stderr behind the caller's back, and turns every
/// failure into one of these values instead. Only the binding creates them: product errors
/// (a launch that timed out, an appliance that cannot be built) are the product's own types.
public struct GuestfsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The libguestfs call that failed.
    public var call: Call
    /// The message libguestfs gave (`guestfs_last_error`), or the binding's when the failure is on the Swift side.
    public var message: String
    /// The errno libguestfs recorded (`guestfs_last_errno`); nil when it recorded none.
    public var errno: Errno?

    public init(call: Call, message: String, errno: Errno? = nil) {
        self.call = call
        self.message = message
        self.errno = errno
    }

    /// `"launch: qemu exited…"`: libguestfs messages usually name the call already,
    /// so it is only prefixed when missing.
    public var description: String {
        message.hasPrefix(call.rawValue + ":") ? message : "\(call.rawValue): \(message)"
    }

    /// A libguestfs call, named as in the C API without the `guestfs_` prefix (`add_drive_opts`,
    /// `launch`, `command`). A type rather than a bare string so callers compare against the
    /// constants below, which name the calls whose failures callers act on.
    public struct Call: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// `guestfs_create`: no handle at all (out of memory, broken installation).
        public static let create: Call = "create"
        /// `guestfs_launch`: qemu did not start or the appliance did not come up.
        public static let launch: Call = "launch"
        /// `guestfs_add_drive_opts`: the image could not be added (missing, unreadable, wrong format).
        public static let addDrive: Call = "add_drive_opts"
        /// `guestfs_command`: a program run inside the appliance failed or could not run.
        public static let command: Call = "command"
    }
}
