import CGuestfs

/// What libguestfs inspection found for one operating system root.
public struct InspectedOS: Sendable, Equatable {
    /// The root filesystem device, e.g. `/dev/sda2`; the key for the other inspection calls.
    public var root: String
    /// `"linux"`, `"windows"`, … (`guestfs_inspect_get_type`).
    public var type: String
    /// `"centos"`, `"rhel"`, `"ubuntu"`, … or `"unknown"` (`guestfs_inspect_get_distro`).
    public var distro: String
    public var majorVersion: Int
    public var minorVersion: Int
    /// `"x86_64"`, … (`guestfs_inspect_get_arch`).
    public var arch: String
    /// e.g. `"CentOS release 6.4 (Final)"` (`guestfs_inspect_get_product_name`).
    public var productName: String
    /// `"rpm"`, `"deb"`, … or `"unknown"` (`guestfs_inspect_get_package_format`).
    public var packageFormat: String
    /// Mount points and their devices, sorted so parents come before children
    /// (`guestfs_inspect_get_mountpoints`).
    public var mountpoints: [(mountpoint: String, device: String)]

    public static func == (lhs: InspectedOS, rhs: InspectedOS) -> Bool {
        lhs.root == rhs.root && lhs.type == rhs.type && lhs.distro == rhs.distro
            && lhs.majorVersion == rhs.majorVersion && lhs.minorVersion == rhs.minorVersion
            && lhs.arch == rhs.arch && lhs.productName == rhs.productName
            && lhs.packageFormat == rhs.packageFormat
            && lhs.mountpoints.map(\.mountpoint) == rhs.mountpoints.map(\.mountpoint)
            && lhs.mountpoints.map(\.device) == rhs.mountpoints.map(\.device)
    }
}

/// An installed package (`struct guestfs_application2`), as far as kdumpbake needs it.
public struct InstalledApplication: Sendable, Equatable {
    public var name: String
    public var epoch: Int32
    public var version: String
    public var release: String
    public var arch: String
}

extension GuestfsHandle {
    /// Runs inspection over all drives and returns the OS roots found (`guestfs_inspect_os`).
    public func inspectOS() throws -> [String] {
        try checkList("inspect_os", guestfs_inspect_os(raw))
    }

    /// Gathers what inspection knows about one root (the `guestfs_inspect_get_*` calls).
    public func inspect(root: String) throws -> InspectedOS {
        let pairs = try checkList("inspect_get_mountpoints", guestfs_inspect_get_mountpoints(raw, root))
        let mountpoints = stride(from: 0, to: pairs.count - 1, by: 2)
            .map { (mountpoint: pairs[$0], device: pairs[$0 + 1]) }
            .sorted { $0.mountpoint.count < $1.mountpoint.count }
        return InspectedOS(
            root: root,
            type: try checkString("inspect_get_type", guestfs_inspect_get_type(raw, root)),
            distro: try checkString("inspect_get_distro", guestfs_inspect_get_distro(raw, root)),
            majorVersion: Int(try check("inspect_get_major_version", guestfs_inspect_get_major_version(raw, root))),
            minorVersion: Int(try check("inspect_get_minor_version", guestfs_inspect_get_minor_version(raw, root))),
            arch: try checkString("inspect_get_arch", guestfs_inspect_get_arch(raw, root)),
            productName: try checkString("inspect_get_product_name", guestfs_inspect_get_product_name(raw, root)),
            packageFormat: try checkString("inspect_get_package_format", guestfs_inspect_get_package_format(raw, root)),
            mountpoints: mountpoints
        )
    }

    /// Installed packages of one root (`guestfs_inspect_list_applications2`). Needs the guest's
    /// package database (rpm/dpkg) and the filesystems mounted.
    public func installedApplications(root: String) throws -> [InstalledApplication] {
        guard let list = guestfs_inspect_list_applications2(raw, root) else {
            throw lastError("inspect_list_applications2")
        }
        defer { guestfs_free_application2_list(list) }
        return (0..<Int(list.pointee.len)).map { index in
            let app = list.pointee.val[index]
            return InstalledApplication(
                name: String(cString: app.app2_name),
                epoch: app.app2_epoch,
                version: String(cString: app.app2_version),
                release: String(cString: app.app2_release),
                arch: String(cString: app.app2_arch)
            )
        }
    }
}
