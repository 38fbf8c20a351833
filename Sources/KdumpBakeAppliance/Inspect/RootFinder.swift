import KdumpBakeCore
import Guestfs

/// Finds the Linux roots on the attached drives by looking at their filesystems directly.
///
/// libguestfs's `inspect_os` does the same and more, but costs ~25 s per image under TCG; this
/// path mounts each candidate filesystem read-only, reads the release files and /etc/fstab, and
/// is done in about a second. Guests it cannot identify are left to `inspect_os` by the caller,
/// only to name what they are ("windows", "no operating system found").
enum RootFinder {
    static let rootFilesystemTypes: Set<String> = ["ext2", "ext3", "ext4", "xfs", "btrfs"]

    static func findRoots(on handle: GuestfsHandle) throws -> [GuestRoot] {
        let devices = try handle.listDevices()
        let probed = try probeFilesystems(handle, devices: devices)
        return try findRoots(on: handle, devices: devices, filesystems: probed.filesystems, identities: probed.identities,
                             leavingLastRootMounted: false).roots
    }

    /// As above, with the devices and filesystems already listed by the caller; with `leavingLastRootMounted`, when the last filesystem looked at is a root, it
    /// stays mounted read-only at `/` and `mounted` names it, so a caller reading that root next
    /// (`GuestFactsReader.read(_:rootMounted:)`) saves an unmount and a mount (~0.6 s under TCG).
    static func findRoots(on handle: GuestfsHandle, devices: [String], filesystems: [(device: String, type: String)],
                          identities known: [String: [String: String]] = [:],
                          leavingLastRootMounted: Bool) throws -> (roots: [GuestRoot], mounted: GuestRoot?) {
        var identities = FilesystemIdentities(handle: handle, known: known)
        var roots: [GuestRoot] = []
        let candidates = filesystems.filter { rootFilesystemTypes.contains($0.type) }
        for (index, (device, type)) in candidates.enumerated() {
            guard let drive = driveIndex(of: device, devices: devices) else { continue }
            let candidate = GuestRoot(device: device, driveIndex: drive,
                                      os: GuestOS(type: "linux", distro: "unknown", version: DistroVersion(0), arch: "unknown", productName: "", root: device),
                                      mounts: [("/", device, type)])
            do {
                try candidate.mount(on: handle, writable: false)
            } catch {
                continue  // not mountable: not a root we can read
            }
            var keepMounted = false
            defer { if !keepMounted { try? handle.unmountAll() } }
            guard try handle.isDirectory("/etc"),
                  let identity = ReleaseFiles.identify(redhatRelease: try GuestFactsReader.smallText("/etc/redhat-release", on: handle),
                                                       osRelease: try GuestFactsReader.smallText("/etc/os-release", on: handle))
            else { continue }
            let arch = (try? ElfArchitecture.name(header: handle.pread(handle.realpath("/bin/sh"), count: ElfArchitecture.headerLength))) ?? "unknown"
            let fstab = FstabEntry.parse(try GuestFactsReader.smallText("/etc/fstab", on: handle) ?? "")
            var root = candidate
            root.os = GuestOS(type: "linux", distro: identity.distro, version: identity.version, arch: arch,
                              productName: identity.productName, root: device)
            for entry in fstab where ["/boot", "/boot/efi", "/usr", "/var"].contains(entry.mountpoint) {
                guard let device = try identities.device(for: entry.spec, onDrive: drive, devices: devices, filesystems: filesystems) else { continue }
                let type = filesystems.first { $0.device == device }?.type ?? entry.type
                root.mounts.append((entry.mountpoint, device, type))
            }
            root.mounts.sort { $0.mountpoint.count < $1.mountpoint.count }
            roots.append(root)
            if leavingLastRootMounted, index == candidates.count - 1 {
                keepMounted = true
                return (roots, root)
            }
        }
        return (roots, nil)
    }

    /// Filesystems on the drives' partitions, by blkid: much cheaper than `list_filesystems`
    /// (~4.5 s under TCG, mostly LVM and md scanning). When a partition is an LVM physical volume,
    /// the full `list_filesystems` is used, so logical volumes are found too. With each, what
    /// blkid said about it (UUID, LABEL), so fstab's `UUID=` and `LABEL=` resolve without asking
    /// the appliance again.
    static func probeFilesystems(_ handle: GuestfsHandle, devices: [String]) throws
        -> (filesystems: [(device: String, type: String)], identities: [String: [String: String]]) {
        let partitions = try handle.listPartitions()
        let unpartitioned = devices.filter { device in !partitions.contains { $0.hasPrefix(device) } }
        var found: [(device: String, type: String)] = []
        var identities: [String: [String: String]] = [:]
        for device in partitions + unpartitioned {
            let attributes = (try? handle.blockAttributes(device)) ?? [:]
            let type = attributes["TYPE"] ?? ""
            if type == "LVM2_member" { return (try handle.listFilesystems(), [:]) }
            if !type.isEmpty {
                found.append((device, type))
                identities[device] = attributes
            }
        }
        return (found, identities)
    }

    /// The drive a device lives on: `/dev/sdb2` → 1 when the devices are `[/dev/sda, /dev/sdb]`.
    static func driveIndex(of device: String, devices: [String]) -> Int? {
        devices.enumerated()
            .filter { device.hasPrefix($0.element) }
            .max { $0.element.count < $1.element.count }?
            .offset
    }
}

/// UUIDs and labels of the attached filesystems, read on first use, to resolve fstab specs.
struct FilesystemIdentities {
    let handle: GuestfsHandle
    private var uuids: [String: String] = [:]
    private var labels: [String: String] = [:]

    /// `known`: blkid's attributes per device, already read (`RootFinder.probeFilesystems`).
    init(handle: GuestfsHandle, known: [String: [String: String]] = [:]) {
        self.handle = handle
        for (device, attributes) in known {
            uuids[device] = attributes["UUID"] ?? ""
            labels[device] = attributes["LABEL"] ?? ""
        }
    }

    /// The appliance device for an fstab spec, looked up on the root's own drive only: the same
    /// image attached twice has the same UUIDs on two drives.
    mutating func device(for spec: String, onDrive drive: Int, devices: [String],
                         filesystems: [(device: String, type: String)]) throws -> String? {
        let local = filesystems.map(\.device).filter { RootFinder.driveIndex(of: $0, devices: devices) == drive }
        if spec.hasPrefix("UUID=") {
            let wanted = spec.dropFirst(5).lowercased().trimmingQuotes
            return try local.first { try uuid(of: $0).lowercased() == wanted }
        }
        if spec.hasPrefix("LABEL=") {
            let wanted = String(spec.dropFirst(6)).trimmingQuotes
            return try local.first { try label(of: $0) == wanted }
        }
        // /dev/sda1, /dev/vda1, /dev/xvda1, /dev/hda1: the same partition number on this drive.
        if spec.hasPrefix("/dev/"), let number = Int(String(spec.reversed().prefix { $0.isNumber }.reversed())),
           spec.dropFirst(5).first.map({ "shvx".contains($0) }) == true {
            return local.first { $0 == devices[drive] + String(number) }
        }
        return local.contains(spec) ? spec : nil
    }

    private mutating func uuid(of device: String) throws -> String {
        if let known = uuids[device] { return known }
        let value = (try? handle.filesystemUUID(device)) ?? ""
        uuids[device] = value
        return value
    }

    private mutating func label(of device: String) throws -> String {
        if let known = labels[device] { return known }
        let value = (try? handle.filesystemLabel(device)) ?? ""
        labels[device] = value
        return value
    }
}

extension StringProtocol {
    var trimmingQuotes: String {
        String(self).trimming(["\"", "'"])
    }
}

extension String {
    func trimming(_ characters: Set<Character>) -> String {
        String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
