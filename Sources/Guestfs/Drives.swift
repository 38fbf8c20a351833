import CGuestfs

/// How a disk image is attached (`struct guestfs_add_drive_opts_argv`).
///
/// `format` is required on purpose: qemu probes a fixed VHD as *raw* (its footer then counts as
/// disk), and probing a raw image a guest wrote is a known security hole. Callers always say
/// what the image is: `.raw`, `.qcow2` or `.vpc` (VHD).
public struct DriveOptions: Sendable, Equatable {
    /// qemu's format name of the image.
    public var format: Format
    /// Attach read-only: qemu never writes to the file. Inside the appliance, writes (such as a
    /// journal replay when mounting a dirty filesystem) go to a throw-away overlay.
    public var readonly: Bool
    /// With `readonly`, also mark the device read-only in the appliance's kernel
    /// (`guestfs_blockdev_setro` at launch), so any write fails loudly instead of vanishing into
    /// the overlay. Off by default: it also prevents mounting filesystems with a dirty journal.
    public var refuseWrites: Bool
    /// A label the drive is reachable under as `/dev/disk/guestfs/LABEL`.
    public var label: String?
    /// qemu cache mode; nil: libguestfs's default, `writeback`.
    public var cachemode: CacheMode?
    /// Discard (TRIM) passthrough; nil: libguestfs's default, `disable`.
    public var discard: Discard?
    /// Where a network drive is served from; nil: the image is a local file. With a server, the
    /// path given to `addDrive` is what the protocol names there: a path for `http`, an export
    /// name for `nbd`.
    public var network: NetworkSource?

    public init(format: Format, readonly: Bool, refuseWrites: Bool = false, label: String? = nil, cachemode: CacheMode? = nil,
                discard: Discard? = nil, network: NetworkSource? = nil) {
        self.format = format
        self.readonly = readonly
        self.refuseWrites = refuseWrites
        self.label = label
        self.cachemode = cachemode
        self.discard = discard
        self.network = network
    }

    /// `guestfs_add_drive_opts`'s `protocol` and `server`: qemu reads the drive over the
    /// network itself, with its own client for the protocol.
    public struct NetworkSource: Sendable, Equatable {
        /// libguestfs's protocol name: `http`, `https`, `nbd`, …
        public var `protocol`: String
        /// `host:port`, `tcp:host:port` or `unix:/path`, as libguestfs documents them.
        public var server: String

        public init(protocol: String, server: String) {
            self.protocol = `protocol`
            self.server = server
        }
    }

    /// A qemu block format name. A type with the names libguestfs documents as constants; any
    /// other name qemu knows can still be spelled out (`Format(rawValue: "vmdk")`).
    public struct Format: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public static let raw: Format = "raw"
        public static let qcow2: Format = "qcow2"
        /// VHD, fixed or dynamic.
        public static let vpc: Format = "vpc"
    }

    /// `guestfs_add_drive_opts`'s `cachemode`.
    public enum CacheMode: String, Sendable {
        /// Flushes reach the disk: safe for images kept afterwards.
        case writeback
        /// Flushes are ignored: fast, for scratch disks only.
        case unsafe
    }

    /// `guestfs_add_drive_opts`'s `discard`.
    public enum Discard: String, Sendable {
        case disable, enable, besteffort
    }
}

extension GuestfsHandle {
    /// Attaches a disk image (`guestfs_add_drive_opts_argv`). Devices appear in the appliance
    /// in the order drives are added: `/dev/sda`, `/dev/sdb`, …
    public func addDrive(_ path: String, _ options: DriveOptions) throws {
        // The C struct borrows these strings; they stay alive until the call returns.
        try options.format.rawValue.withCString { format in
            try withOptionalCString(options.label) { label in
                try withOptionalCString(options.cachemode?.rawValue) { cachemode in
                    try withOptionalCString(options.discard?.rawValue) { discard in
                        var args = guestfs_add_drive_opts_argv()
                        args.bitmask = kdb_ADD_DRIVE_FORMAT | kdb_ADD_DRIVE_READONLY
                        args.format = format
                        args.readonly = options.readonly ? 1 : 0
                        if let label { args.bitmask |= kdb_ADD_DRIVE_LABEL; args.label = label }
                        if let cachemode { args.bitmask |= kdb_ADD_DRIVE_CACHEMODE; args.cachemode = cachemode }
                        if let discard { args.bitmask |= kdb_ADD_DRIVE_DISCARD; args.discard = discard }
                        try withNetworkSource(options.network) { protocolName, servers in
                            if let protocolName, let servers {
                                args.bitmask |= kdb_ADD_DRIVE_PROTOCOL | kdb_ADD_DRIVE_SERVER
                                args.protocol = protocolName
                                args.server = servers
                            }
                            try check("add_drive_opts", guestfs_add_drive_opts_argv(raw, path, &args))
                        }
                        if options.readonly && options.refuseWrites { readOnlyDriveIndices.append(driveCount) }
                        driveCount += 1
                    }
                }
            }
        }
    }

    /// Calls `body` with the C forms of a network source (both NULL for a local file).
    private func withNetworkSource(_ network: DriveOptions.NetworkSource?,
                                   _ body: (UnsafePointer<CChar>?, UnsafePointer<UnsafeMutablePointer<CChar>?>?) throws -> Void) throws {
        guard let network else { return try body(nil, nil) }
        try network.protocol.withCString { protocolName in
            try withCStringArray([network.server]) { servers in try body(protocolName, servers) }
        }
    }

    /// Attaches a temporary empty disk of `bytes` bytes, deleted when the handle closes
    /// (`guestfs_add_drive_scratch_argv`).
    public func addScratchDrive(bytes: Int64, label: String? = nil) throws {
        try withOptionalCString(label) { label in
            var args = guestfs_add_drive_scratch_argv()
            if let label { args.bitmask |= kdb_ADD_DRIVE_SCRATCH_LABEL; args.label = label }
            try check("add_drive_scratch", guestfs_add_drive_scratch_argv(raw, bytes, &args))
            driveCount += 1
        }
    }
}
