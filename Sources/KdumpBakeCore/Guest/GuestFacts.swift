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
    /// Modification times of files whose age matters but whose bytes do not: the kdump
    /// service rebuilds its initrd when one is newer (kernel images, /etc/fstab, kdump_pre/post
    /// hooks, extra_bins, the core_collector binary).
    public var mtimes: [String: Int64] = [:]
    /// The installed kexec-tools package, when the rpm database could be read: it decides the
    /// release's rules better than the distro version does.
    public var kexecToolsPackage: KexecToolsVersion?
    /// The installed kdump-tools package, when the dpkg status could be read (Debian, Ubuntu).
    public var kdumpToolsPackage: DebianPackageVersion?
    /// The installed kdump-utils package (RHEL 10+, where kdumpctl moved out of kexec-tools).
    public var kdumpUtilsPackage: KexecToolsVersion?

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

    /// A file's modification time, from whichever fact has it.
    public func mtime(of path: String) -> Int64? {
        files[path]?.mtime ?? mtimes[path] ?? kdumpInitrds[path]?.mtime
    }

    /// Where a command named in kdump.conf (`core_collector makedumpfile`) is found, as the
    /// service's PATH (/sbin:/usr/sbin:/bin:/usr/bin) finds it: the first candidate the reader
    /// saw (`commandCandidates`); nil when none exists.
    public func commandPath(_ command: String) -> String? {
        Self.commandCandidates(command).first { mtimes[$0] != nil }
    }

    /// The guest paths a command name may resolve to, in PATH order.
    public static func commandCandidates(_ command: String) -> [String] {
        guard !command.isEmpty, !command.contains("\0") else { return [] }
        if command.hasPrefix("/") { return [command] }
        guard !command.contains("/") else { return [] }
        return ["/sbin", "/usr/sbin", "/bin", "/usr/bin"].map { "\($0)/\(command)" }
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
    /// The few small files whose content says what the capture kernel will do
    /// (`InitrdReader.interestingFiles`), by archive path without `./`.
    public var files: [String: [UInt8]]

    public init(path: String, exists: Bool, mtime: Int64? = nil, modules: Result<[String], InitrdReadFailure>? = nil,
                files: [String: [UInt8]] = [:]) {
        self.path = path
        self.exists = exists
        self.mtime = mtime
        self.modules = modules
        self.files = files
    }

    /// el6: the capture kernel's `/init`, whose insmod lines are the only way modules load.
    public var initScript: String? { files["init"].map { String(decoding: $0, as: UTF8.self) } }

    /// el7.6+/el8+: dracut's record of the modules the build machine had loaded
    /// (`usr/lib/dracut/loaded-kernel-modules.txt`; from RHEL 9.3 `hostonly-kernel-modules.txt`,
    /// preferred when both exist), which kdumpctl compares with the running machine.
    public var loadedKernelModules: [String]? {
        (files[InitrdReader.hostonlyKernelModulesPath] ?? files[InitrdReader.loadedKernelModulesPath]).map { bytes in
            String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == " " || $0 == "\t" }).map(String.init)
        }
    }
}

/// Why an initrd's contents could not be listed.
public struct InitrdReadFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

extension GuestFacts {
    /// The `count` newest of `kernels` by rpm-style version order, in their original order.
    public static func newest(_ count: Int, of kernels: [String]) -> [String] {
        let kept = Set(kernels.sorted { BootLoaderSpec.compareVersions($0, $1) > 0 }.prefix(count))
        return kernels.filter { kept.contains($0) }
    }
}

extension GuestFacts {
    /// Module names listed in /lib/modules/KVER/modules.builtin (`kernel/drivers/nvme/host/nvme.ko`),
    /// normalized: a required driver built into the kernel needs no file in the initrd.
    public func builtInModules(of kernel: String) -> Set<String> {
        guard let text = text(KdumpToolsPaths.modulesBuiltin(kernel)) else { return [] }
        return Set(text.split(separator: "\n").compactMap { InitrdReader.moduleName(fromPath: String($0)) }.map(InitrdReader.normalizedModuleName))
    }
}
