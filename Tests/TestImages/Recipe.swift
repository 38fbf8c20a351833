/// How a test image is stored on the host.
public enum DiskFormat: String, Sendable {
    /// A plain raw disk image.
    case raw
    /// An Azure-style *fixed* VHD (raw data plus a 512-byte footer); open it with libguestfs format "vpc".
    case vhd
}

/// Which generation of Red Hat tooling the guest imitates; decides the directory layout and kernel module
/// paths. The stand-in kdump tools' rules come from `StandInRelease`.
enum Flavor: String, Sendable, Hashable {
    case el6, el7
    /// RHEL 8/9/10: el7's usrmerge layout, kernels with NVMe (Azure's NVMe sizes; reference L355).
    case el8
    /// SLES 15: *not* usr-merged (/bin, /sbin, /lib are directories), kernels with NVMe, modules
    /// compressed `.ko.zst`, the boot initrd at /boot/initrd-KVER. See `Sles15`.
    case sles15
}

/// The filesystem of a partition.
enum FilesystemType: String, Sendable, Hashable {
    case ext4, xfs
}

/// The partitioning of a test disk: MBR, partition 1 = /boot, partition 2 = / (like a stock CentOS install
/// without LVM, which is what Azure's CentOS images use).
struct DiskLayout: Sendable, Hashable {
    /// Whole disk size; a whole number of MiB so a fixed VHD's size is whole MiB too (an Azure rule).
    var totalMiB: Int
    /// Partition 1 starts at 1 MiB (the usual 2048-sector alignment) and is this big.
    var bootMiB: Int
    var bootFS: FilesystemType
    var rootFS: FilesystemType
    /// Fixed UUIDs, because /etc/fstab and the bootloader config in the recipe name them.
    var bootUUID: String
    var rootUUID: String
    /// The MBR disk identifier, e.g. "0x000c1f2e".
    var diskID: String

    var bootStartMiB: Int { 1 }
    var rootStartMiB: Int { bootStartMiB + bootMiB }
    var rootMiB: Int { totalMiB - rootStartMiB }
}

/// What one path of the guest is.
enum GuestEntry: Sendable, Hashable {
    case directory(mode: Int)
    case file(contents: String, mode: Int)
    /// A copy of a host file (the static busybox that makes the guest runnable in a chroot).
    case hostCopy(path: String, mode: Int)
    /// A small gzip-compressed newc cpio standing in for the boot initramfs of a kernel.
    case initramfs(kernel: String, mode: Int)
    /// A kdump initrd holding the named modules, compressed with `compression` (`gzip`, `xz`,
    /// `zstd`), optionally behind an uncompressed early-microcode cpio as dracut writes them.
    case kdumpInitrd(kernel: String, modules: [String], files: [String: String], compression: String, earlyMicrocode: Bool)
    case symlink(target: String)
}

/// A declarative description of a guest: its disk layout and every path in its filesystems.
///
/// Recipes are values: the modifiers return a changed copy, so a test can say
/// `GuestRecipe.centos64.withFile("/etc/kdump.conf", "...")` and the cache keeps one image per distinct recipe.
/// Paths are guest-absolute; directories on the way are created implicitly. A path that goes through a
/// symlinked directory of the recipe (`/lib` → `usr/lib` on el7) is stored under its real location, so a
/// later `removing` or `withFile` of either spelling hits the same entry.
public struct GuestRecipe: Sendable, Hashable {
    /// The base name ("centos64", "centos79"); the cache adds a hash of the whole recipe to file names.
    public var name: String
    let flavor: Flavor
    let layout: DiskLayout
    private(set) var entries: [String: GuestEntry] = [:]

    init(name: String, flavor: Flavor, layout: DiskLayout) {
        self.name = name
        self.flavor = flavor
        self.layout = layout
    }

    /// Adds or replaces a regular file.
    public func withFile(_ path: String, _ contents: String, mode: Int = 0o644) -> GuestRecipe {
        setting(path, .file(contents: contents, mode: mode))
    }

    /// Adds or replaces a symbolic link; `target` is stored verbatim (relative or absolute).
    public func withSymlink(_ path: String, to target: String) -> GuestRecipe {
        setting(path, .symlink(target: target))
    }

    /// Removes a path and, if it is a directory, everything below it. Removing an absent path is a no-op.
    public func removing(_ path: String) -> GuestRecipe {
        var copy = self
        let real = resolve(path)
        copy.entries = entries.filter { key, _ in key != real && !key.hasPrefix(real + "/") }
        return copy
    }

    /// Installs another kernel: /boot/vmlinuz-, initramfs-, System.map-, config-KVER and
    /// /lib/modules/KVER with module files at the paths this flavour's kernels use, plus modules.dep.
    /// The bootloader configuration is not touched (use `withFile` for that).
    public func withKernel(_ kver: String) -> GuestRecipe {
        KernelFiles.entries(kver: kver, flavor: flavor).reduce(self) { recipe, item in
            recipe.setting(item.path, item.entry)
        }
    }

    /// Adds a kdump initrd at `path` whose cpio holds `lib/modules/KERNEL/kernel/drivers/NAME.ko` for
    /// each module name, plus `files` (archive path → text; el6's `init` with its insmod lines, dracut's
    /// `usr/lib/dracut/loaded-kernel-modules.txt`): what an audit expects after a mkdumprd ran.
    public func withKdumpInitrd(_ path: String, kernel: String, modules: [String], files: [String: String] = [:],
                                compression: String = "gzip", earlyMicrocode: Bool = false) -> GuestRecipe {
        setting(path, .kdumpInitrd(kernel: kernel, modules: modules, files: files, compression: compression, earlyMicrocode: earlyMicrocode))
    }

    /// Adds a directory with the given mode.
    func withDirectory(_ path: String, mode: Int = 0o755) -> GuestRecipe {
        setting(path, .directory(mode: mode))
    }

    /// Adds a copy of a host file.
    func withHostCopy(_ path: String, from hostPath: String, mode: Int = 0o755) -> GuestRecipe {
        setting(path, .hostCopy(path: hostPath, mode: mode))
    }

    func setting(_ path: String, _ entry: GuestEntry) -> GuestRecipe {
        var copy = self
        let real = resolve(path)
        // A file replacing a directory takes the directory's contents with it.
        copy.entries = entries.filter { key, _ in !key.hasPrefix(real + "/") }
        copy.entries[real] = entry
        return copy
    }

    /// The path with every *ancestor* that is a symlink in this recipe replaced by its target
    /// (the last component is kept, so a symlink itself can be replaced or removed).
    func resolve(_ path: String) -> String {
        var pending = Self.components(path)
        guard let last = pending.popLast() else { return "/" }
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            let candidate = "/" + (resolved + [component]).joined(separator: "/")
            if case .symlink(let target)? = entries[candidate], hops < 40 {
                hops += 1
                // Re-walk the target's components in place of this one.
                pending = Self.components(target) + pending
                if target.hasPrefix("/") { resolved = [] }
            } else if component == ".." {
                _ = resolved.popLast()
            } else {
                resolved.append(component)
            }
        }
        return "/" + (resolved + [last]).joined(separator: "/")
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }
}
