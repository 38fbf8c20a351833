/// The variables of /etc/sysconfig/kdump that decide where the kdump initrd lives, which kernel
/// the service loads, how mkdumprd is called and what the capture kernel's command line is.
///
/// The file is shell sourced by the guest's init script; it is read here without running it
/// (`ShellAssignments`). Values are guest-derived: they become argv elements or are validated,
/// never shell text.
public struct KdumpSysconfig: Sendable, Equatable {
    /// `KDUMP_BOOTDIR`, default `/boot`. A value that is not a plain absolute path (`..`, `$`,
    /// relative) is ignored: the service would resolve it at boot in ways an audit cannot see.
    public var bootDirectory: String = "/boot"
    /// `KDUMP_KERNELVER`: when set, the service loads this kernel whatever `uname -r` says.
    public var kernelVersion: String?
    /// `MKDUMPRD_ARGS` (el6), split as the init script's unquoted expansion splits it.
    public var mkdumprdArguments: [String] = []
    /// `KDUMP_COMMANDLINE`: replaces /proc/cmdline as the base of the capture command line.
    public var commandLine: String?
    /// `KDUMP_COMMANDLINE_APPEND`.
    public var commandLineAppend: String = ""
    /// `KDUMP_IMG` (`vmlinuz`) and `KDUMP_IMG_EXT` (empty): the kdump kernel's file name.
    public var kernelImage = "vmlinuz"
    public var kernelImageExtension = ""

    public init() {}

    public init(text: String?) {
        guard let text else { return }
        let values = ShellAssignments.parse(text)
        func value(_ name: String) -> String? {
            guard let assignment = values[name], !assignment.value.isEmpty else { return nil }
            return assignment.value
        }
        if let directory = value("KDUMP_BOOTDIR"), Self.isPlainAbsolutePath(directory) {
            bootDirectory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        }
        kernelVersion = value("KDUMP_KERNELVER").flatMap { Self.isPlainName($0) ? $0 : nil }
        mkdumprdArguments = value("MKDUMPRD_ARGS").map { ShellWords.split($0).map(\.text) } ?? []
        commandLine = value("KDUMP_COMMANDLINE")
        commandLineAppend = value("KDUMP_COMMANDLINE_APPEND") ?? ""
        if let image = value("KDUMP_IMG"), Self.isPlainName(image) { kernelImage = image }
        if let ext = value("KDUMP_IMG_EXT"), Self.isPlainName(ext) { kernelImageExtension = ext }
    }

    public init(facts: GuestFacts) {
        self.init(text: facts.text(GuestPaths.sysconfigKdump))
    }

    /// The kdump kernel image the service loads for `kernel` (`KDUMP_IMG-KVER KDUMP_IMG_EXT`),
    /// whose age it compares with the initrd's; the same name on every release.
    public func kernelImagePath(_ kernel: String) -> String {
        inBootDirectory("\(kernelImage)-\(kernel)\(kernelImageExtension)")
    }

    /// `name` inside `KDUMP_BOOTDIR`.
    func inBootDirectory(_ name: String) -> String {
        bootDirectory == "/" ? "/\(name)" : "\(bootDirectory)/\(name)"
    }

    static func isPlainAbsolutePath(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.split(separator: "/").contains("..")
            && path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && !"$`\\\"'".unicodeScalars.contains($0) }
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
            && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && !"$`\\\"'".unicodeScalars.contains($0) }
    }
}

extension KexecToolsRelease {
    /// The kdump initrd the service loads for `kernel`: el6 `initrd-KVERkdump.img`, el7+
    /// `initramfs-KVERkdump.img`, in `KDUMP_BOOTDIR`.
    public func initrdPath(kernel: String, sysconfig: KdumpSysconfig) -> String {
        sysconfig.inBootDirectory(family == .el6 ? "initrd-\(kernel)kdump.img" : "initramfs-\(kernel)kdump.img")
    }

    /// argv of an offline rebuild in the appliance.
    ///
    /// el6: the init script's `mkdumprd -d -f $MKDUMPRD_ARGS IMG KVER`, plus `--allow-missing`:
    /// el6 mkdumprd copies in every module the *build machine* has loaded, and in the appliance
    /// that is the appliance's kernel (virtiofs, net_failover, …), which the guest kernel lacks —
    /// without the flag it aborts with "No module X found for kernel KVER, aborting."
    /// el7+: kdumpctl's `mkdumprd -f IMG KVER` (dracut; hostonly, so the drivers the target needs
    /// are forced with `--add-drivers`).
    public func mkdumprdArguments(mkdumprd: String, image: String, kernel: String, sysconfig: KdumpSysconfig) -> [String] {
        switch family {
        case .el6: [mkdumprd, "-d", "-f", "--allow-missing"] + sysconfig.mkdumprdArguments + [image, kernel]
        case .el7, .el8, .kdumpTools, .sles: [mkdumprd, "-f", image, kernel]
        }
    }
}
