import KdumpBakeCore
import Guestfs

/// An operating system found on one of the attached drives, before its facts are read.
public struct GuestRoot: Sendable, Equatable {
    /// The root filesystem device in the appliance (`/dev/sdb2`).
    public var device: String
    /// Which attached drive (0-based, in the order added) holds the root.
    public var driveIndex: Int
    public var os: GuestOS
    /// Filesystems to mount for reading, parents first: `[("/", "/dev/sdb2"), ("/boot", "/dev/sdb1")]`.
    public var mounts: [(mountpoint: String, device: String, type: String)]

    public static func == (lhs: GuestRoot, rhs: GuestRoot) -> Bool {
        lhs.device == rhs.device && lhs.driveIndex == rhs.driveIndex && lhs.os == rhs.os
            && lhs.mounts.map(\.mountpoint) == rhs.mounts.map(\.mountpoint) && lhs.mounts.map(\.device) == rhs.mounts.map(\.device)
    }
}

extension GuestRoot {
    /// Mounts the guest's filesystems at `/` in the appliance, read-only unless `writable`.
    ///
    /// xfs gets `nouuid` because the same image may be attached twice (raw and VHD copies share
    /// UUIDs, and xfs refuses a second filesystem with a known UUID).
    func mount(on handle: GuestfsHandle, writable: Bool, skippingRoot: Bool = false) throws {
        for entry in mounts where !(skippingRoot && entry.mountpoint == "/") {
            var options = writable ? [] : ["ro"]
            if entry.type == "xfs" { options.append("nouuid") }
            try handle.mount(entry.device, at: entry.mountpoint, options: options.joined(separator: ","))
        }
    }
}
