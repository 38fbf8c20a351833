import CGuestfs
import SystemPackage

/// One libguestfs handle (`guestfs_h *`): the appliance, its drives and everything done through it.
///
/// The handle owns the C handle and closes it in `deinit` (`guestfs_close`), which also shuts the
/// appliance down if `shutdown()` was not called. It installs a NULL error handler so libguestfs
/// never prints errors itself; every failing call throws a `GuestfsError` carrying the operation,
/// `guestfs_last_error` and `guestfs_last_errno`.
///
/// **Not `Sendable`.** libguestfs handles are not thread-safe and every call blocks until the
/// appliance answers (seconds to minutes). Confine a handle to one thread — ideally a dedicated
/// one, not Swift's cooperative pool — and use one handle per concurrent job.
public final class GuestfsHandle {
    /// The underlying C handle. Valid for the lifetime of this object.
    let raw: OpaquePointer

    /// Event callbacks registered on this handle, kept alive until the handle closes.
    var eventCallbacks: [Int32: EventCallbackBox] = [:]

    /// Positions (in the order added) of the drives added read-only, marked read-only at launch.
    var readOnlyDriveIndices: [Int] = []

    /// How many drives have been added; the next one becomes device number `driveCount`.
    var driveCount = 0

    /// The first lines of the errors libguestfs reported during the current `launch`, oldest
    /// first. `guestfs_last_error` keeps only the last ("guestfs_launch failed."), while the
    /// cause ("qemu-system-x86_64 killed by signal 6") came earlier.
    var launchErrors: [String] = []
    var collectingLaunchErrors = false

    /// Creates a handle (`guestfs_create`) and silences libguestfs's default error printing
    /// (`guestfs_set_error_handler(g, NULL, NULL)`).
    ///
    /// `guestfs_create` also reads the `LIBGUESTFS_*` environment variables, as every libguestfs
    /// tool does; settings made through this type's methods override them.
    public init() throws {
        guard let handle = guestfs_create() else {
            throw GuestfsError(call: .create, message: "could not create a libguestfs handle")
        }
        raw = handle
        // Our own handler instead of NULL: it prints nothing either, but lets `launch` keep the
        // earlier errors of a failed launch. `self` is unretained: the handler dies with `raw`.
        guestfs_set_error_handler(raw, errorTrampoline, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        // Runs `.close` event callbacks first, while `eventCallbacks` still keeps them alive.
        guestfs_close(raw)
    }

    // MARK: - Error plumbing used by every wrapper

    /// The error libguestfs recorded for the last failed call on this handle.
    func lastError(_ operation: GuestfsError.Call) -> GuestfsError {
        let message = guestfs_last_error(raw).map { String(cString: $0) } ?? "unknown error"
        let number = guestfs_last_errno(raw)
        return GuestfsError(call: operation, message: message, errno: number == 0 ? nil : Errno(rawValue: number))
    }

    /// Checks a C call returning `-1` on error and anything else on success.
    @discardableResult
    func check(_ operation: GuestfsError.Call, _ result: Int32) throws -> Int32 {
        if result == -1 { throw lastError(operation) }
        return result
    }

    /// Checks a C call returning a boolean as `1`/`0`, `-1` on error.
    func checkBool(_ operation: GuestfsError.Call, _ result: Int32) throws -> Bool {
        try check(operation, result) != 0
    }

    /// Checks and takes ownership of a returned string (NULL on error).
    func checkString(_ operation: GuestfsError.Call, _ result: UnsafeMutablePointer<CChar>?) throws -> String {
        guard let result else { throw lastError(operation) }
        return takeString(result)
    }

    /// Checks and takes ownership of a returned string list (NULL on error).
    func checkList(
        _ operation: GuestfsError.Call, _ result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) throws -> [String] {
        guard let result else { throw lastError(operation) }
        return takeStringList(result)
    }

    /// Checks and takes ownership of a returned buffer with its length (NULL on error).
    func checkBytes(
        _ operation: GuestfsError.Call, _ call: (UnsafeMutablePointer<Int>) -> UnsafeMutablePointer<CChar>?
    ) throws -> [UInt8] {
        var size = 0
        guard let result = call(&size) else { throw lastError(operation) }
        return takeBytes(result, count: size)
    }
}

/// Records launch-time errors on the handle; prints nothing.
private let errorTrampoline: guestfs_error_handler_cb = { _, opaque, message in
    guard let opaque, let message else { return }
    let handle = Unmanaged<GuestfsHandle>.fromOpaque(opaque).takeUnretainedValue()
    guard handle.collectingLaunchErrors else { return }
    let firstLine = String(cString: message).split(separator: "\n").first.map(String.init) ?? ""
    if !firstLine.isEmpty, !handle.launchErrors.contains(firstLine) { handle.launchErrors.append(firstLine) }
}

@available(*, unavailable, message: "libguestfs handles are not thread-safe; confine one to a thread")
extension GuestfsHandle: Sendable {}
