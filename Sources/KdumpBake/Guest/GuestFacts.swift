/// Everything the checks need from one guest, read once from the appliance.
///
/// The audit's decisions are pure functions of these facts and the profile, so they are tested
/// in milliseconds without an appliance; only `GuestFactsReader` touches libguestfs.
public struct GuestFacts: Sendable, Equatable {
    public var os: GuestOS
    /// The files of interest by guest path (kdump.conf, sysctl files, boot loader configs…),
    /// including ones that turned out absent, so checks can say "missing".
    public var files: [String: GuestFile]
    /// Installed kernels: a /boot/vmlinuz-KVER with a /lib/modules/KVER directory.
    public var kernels: [String]
    /// The kdump initrds found in /boot, by guest path (both families' names are looked for).
    public var kdumpInitrds: [String: KdumpInitrd]
    /// Paths where the kdump tooling was found (`/sbin/mkdumprd`…).
    public var mkdumprdPath: String?
    /// Boot-time links that enable the kdump service (SysV rc links or the systemd wants link).
    public var serviceLinks: [String]

    public init(os: GuestOS, files: [String: GuestFile] = [:], kernels: [String] = [], kdumpInitrds: [String: KdumpInitrd] = [:],
                mkdumprdPath: String? = nil, serviceLinks: [String] = []) {
        self.os = os
        self.files = files
        self.kernels = kernels
        self.kdumpInitrds = kdumpInitrds
        self.mkdumprdPath = mkdumprdPath
        self.serviceLinks = serviceLinks
    }

    /// The text of a file that was read, nil when absent, unreadable or too large.
    public func text(_ path: String) -> String? {
        files[path]?.text
    }
}

/// The operating system identity of a guest.
public struct GuestOS: Sendable, Equatable {
    /// `linux`, `windows`…
    public var type: String
    /// libguestfs distro ids: `centos`, `rhel`, `rocky`, …, `unknown`.
    public var distro: String
    public var version: DistroVersion
    public var arch: String
    public var productName: String
    /// The root filesystem device in the appliance.
    public var root: String

    public init(type: String, distro: String, version: DistroVersion, arch: String, productName: String, root: String) {
        self.type = type
        self.distro = distro
        self.version = version
        self.arch = arch
        self.productName = productName
        self.root = root
    }
}

/// One guest file as found, symlinks resolved inside the guest.
public struct GuestFile: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// A regular file (possibly reached through symlinks) that was read.
        case read(bytes: [UInt8])
        case missing
        /// A symlink to /dev/null: systemd treats it as masking a configuration file.
        case masked
        /// Exists but is not a regular file (directory, device, a symlink to one).
        case notRegular
        /// Larger than kdumpbake reads; a hostile guest could make it gigabytes.
        case tooLarge(size: Int64)
    }

    public var path: String
    /// Where the path resolved to inside the guest, when it is a symlink.
    public var resolvedPath: String?
    public var state: State
    /// Modification time (seconds since the epoch) of the resolved file.
    public var mtime: Int64?

    public init(path: String, resolvedPath: String? = nil, state: State, mtime: Int64? = nil) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.state = state
        self.mtime = mtime
    }

    public var bytes: [UInt8]? {
        if case .read(let bytes) = state { return bytes }
        return nil
    }

    /// The contents as text, invalid UTF-8 replaced (guest files are not always UTF-8).
    public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
}

/// A kernel's kdump initrd as found in /boot.
public struct KdumpInitrd: Sendable, Equatable {
    public var path: String
    public var exists: Bool
    public var mtime: Int64?
    /// Module names inside it, or why they could not be listed.
    public var modules: Result<[String], InitrdReadFailure>?

    public init(path: String, exists: Bool, mtime: Int64? = nil, modules: Result<[String], InitrdReadFailure>? = nil) {
        self.path = path
        self.exists = exists
        self.mtime = mtime
        self.modules = modules
    }
}

/// Why an initrd's contents could not be listed.
public struct InitrdReadFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
