import Foundation

/// Writes a recipe out as two host directory trees, one per guest filesystem, for mke2fs -d and the
/// xfs protofile to copy from. Nothing is mounted: the trees are plain host directories.
enum Materializer {
    /// Entries under /boot go to `boot` (without the /boot prefix), everything else to `root`, which keeps
    /// an empty /boot as the mount point.
    static func write(_ recipe: GuestRecipe, boot: String, root: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: boot, withIntermediateDirectories: true)
        try files.createDirectory(atPath: root + "/boot", withIntermediateDirectories: true)
        var directoryModes: [(String, Int)] = []

        for (path, entry) in recipe.entries.sorted(by: { $0.key < $1.key }) {
            let host = path == "/boot" || path.hasPrefix("/boot/") ? boot + path.dropFirst(5) : root + path
            do {
                if case .directory(let mode) = entry {
                    try files.createDirectory(atPath: host, withIntermediateDirectories: true)
                    directoryModes.append((host, mode))
                    continue
                }
                try files.createDirectory(atPath: (host as NSString).deletingLastPathComponent,
                                          withIntermediateDirectories: true)
                switch entry {
                case .directory:
                    break
                case .file(let contents, let mode):
                    try write(Data(contents.utf8), to: host, mode: mode)
                case .hostCopy(let source, let mode):
                    try write(try Data(contentsOf: URL(fileURLWithPath: source)), to: host, mode: mode)
                case .initramfs(let kernel, let mode):
                    try write(try bootInitramfs(kernel: kernel, flavor: recipe.flavor), to: host, mode: mode)
                case .kdumpInitrd(let kernel, let modules, let extra, let compression, let early):
                    try write(try kdumpInitrd(kernel: kernel, modules: modules, files: extra, compression: compression, earlyMicrocode: early),
                              to: host, mode: 0o600)
                case .symlink(let target):
                    try files.createSymbolicLink(atPath: host, withDestinationPath: target)
                }
            } catch let error as TestImageError {
                throw error
            } catch {
                throw TestImageError.message("cannot materialise \(path) of \(recipe.name): \(error)")
            }
        }
        // Last, so restrictive modes (/proc 0555) do not get in the way of filling the tree.
        for (host, mode) in directoryModes {
            try files.setAttributes([.posixPermissions: mode], ofItemAtPath: host)
        }
    }

    private static func write(_ data: Data, to path: String, mode: Int) throws {
        try data.write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// A small but valid gzip'd newc initramfs: an init stub and the Hyper-V storage modules an Azure
    /// image's boot initramfs carries (so an initrd listing of the *boot* image shows them too).
    static func bootInitramfs(kernel: String, flavor: Flavor) throws -> Data {
        var cpio = Newc()
        let modules = "lib/modules/\(kernel)/kernel/drivers"
        for directory in [".", "etc", "lib", "lib/modules", "lib/modules/\(kernel)", "lib/modules/\(kernel)/kernel",
                          modules, modules + "/hv", modules + "/scsi"] {
            cpio.directory(directory)
        }
        cpio.file("init", "#!/bin/sh\n# TEST STAND-IN boot initramfs for \(kernel) (\(flavor.rawValue)); it does not boot.\n",
                  mode: 0o755)
        cpio.file(modules + "/hv/hv_vmbus.ko", "TEST STAND-IN kernel module hv_vmbus\n")
        cpio.file(modules + "/scsi/hv_storvsc.ko", "TEST STAND-IN kernel module hv_storvsc\n")
        // -n: no name or timestamp in the gzip header, so the bytes depend on the recipe only.
        return try HostCommand.run(["gzip", "-n", "-9", "-c"], stdin: cpio.finish())
    }

    /// A kdump initrd with module files for `modules`, compressed as asked; with `earlyMicrocode`,
    /// an uncompressed cpio with a microcode blob comes first, as dracut's early_microcode writes.
    static func kdumpInitrd(kernel: String, modules: [String], files extra: [String: String], compression: String,
                            earlyMicrocode: Bool) throws -> Data {
        var cpio = Newc()
        let drivers = "lib/modules/\(kernel)/kernel/drivers"
        for directory in [".", "etc", "lib", "lib/modules", "lib/modules/\(kernel)", "lib/modules/\(kernel)/kernel", drivers] {
            cpio.directory(directory)
        }
        for module in modules { cpio.file("\(drivers)/\(module).ko", "TEST STAND-IN kernel module \(module)\n") }
        for (name, text) in extra.sorted(by: { $0.key < $1.key }) { cpio.file(name, text) }
        let tool: [String] = switch compression {
        case "xz": ["xz", "--check=crc32", "-c"]
        case "zstd": ["zstd", "-q", "-c"]
        default: ["gzip", "-n", "-9", "-c"]
        }
        let main = try HostCommand.run(tool, stdin: cpio.finish())
        guard earlyMicrocode else { return main }
        var early = Newc()
        for directory in ["kernel", "kernel/x86", "kernel/x86/microcode"] { early.directory(directory) }
        early.file("kernel/x86/microcode/GenuineIntel.bin", "TEST STAND-IN microcode\n")
        return early.finish() + main
    }
}
