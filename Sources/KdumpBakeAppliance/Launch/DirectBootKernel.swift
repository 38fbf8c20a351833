import Foundation
import HostProcess
import KdumpBakeCore

/// The appliance kernel, decompressed once on the host, for TCG launches to boot directly.
///
/// libguestfs boots its appliance from a copy of the host's bzImage (supermin puts it in
/// `CACHEDIR/.guestfs-UID/appliance.d/kernel`). Under TCG, qemu then emulates the bzImage's own
/// decompressor: measured here with Debian's xz-compressed 6.1 kernel, the kernel printed its
/// first line 4.5 s after qemu started, against 0.7 s for the same kernel as an uncompressed ELF
/// booted at its PVH entry — about a quarter of a bare TCG launch, paid by every audit, patch and
/// drill preparation. So kdumpbake keeps, per user, that kernel decompressed (`vmlinux`) next to
/// a copy of the bzImage it came from (`bzImage`), and its TCG qemu wrapper (`TCGCodeCache`)
/// replaces `-kernel K` with the vmlinux only when K is byte for byte that bzImage (`cmp`, at
/// every launch): a kernel supermin updated since simply boots as before.
///
/// Nothing of a guest is read here: only the host kernel libguestfs already boots. The first
/// TCG launch on a host (before libguestfs has built its appliance) boots the bzImage; later
/// ones the vmlinux. `KDUMPBAKE_DIRECT_KERNEL=0` turns it off; a launch that fails with it is
/// retried once without it (`ApplianceLauncher`).
enum DirectBootKernel {
    /// The pair the wrapper swaps: `-kernel bzImage` becomes `-kernel vmlinux`.
    struct Swap: Equatable, Sendable {
        var bzImage: String
        var vmlinux: String
    }

    /// The largest bzImage and vmlinux read or written (Debian's are ~8 MiB and ~66 MiB).
    static let bzImageLimit = 64 << 20
    static let vmlinuxLimit = 512 << 20
    static let directoryPrefix = "direct-kernel-"

    /// The swap for the appliance kernel under `cacheDirectory`, made on first use in
    /// `privateDirectory`; nil when there is no appliance kernel yet or it cannot be decompressed
    /// into a PVH-bootable image (then the launch boots the bzImage, as libguestfs would).
    static func swap(cacheDirectory: String, privateDirectory: String) -> Swap? {
        let source = "\(cacheDirectory)/.guestfs-\(geteuid())/appliance.d/kernel"
        var status = stat()
        guard stat(source, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int(status.st_size) <= bzImageLimit else { return nil }
        // supermin writes a new file whenever it rebuilds the appliance (and libguestfs only touches
        // its times), so device, inode and size name one kernel; `cmp` in the wrapper is the proof.
        let directory = "\(privateDirectory)/\(directoryPrefix)\(status.st_dev)-\(status.st_ino)-\(status.st_size)"
        let swap = Swap(bzImage: directory + "/bzImage", vmlinux: directory + "/vmlinux")
        if FileManager.default.fileExists(atPath: swap.bzImage), FileManager.default.fileExists(atPath: swap.vmlinux) { return swap }
        guard let bzImage = FileManager.default.contents(atPath: source).map(Array.init), let vmlinux = decompress(bzImage) else { return nil }
        guard install(directory: directory, bzImage: bzImage, vmlinux: vmlinux) else { return nil }
        removeOthers(in: privateDirectory, keeping: directory)
        return swap
    }

    /// The bzImage's payload decompressed by the host's own tool, if that gives a PVH-bootable ELF.
    static func decompress(_ bzImage: [UInt8]) -> [UInt8]? {
        guard let payload = BzImagePayload.locate(in: bzImage), let tool = decompressor(payload.compression) else { return nil }
        let child = ChildProcess(tool.executable, tool.arguments, standardInput: .bytes(Array(bzImage[payload.range])),
                                 standardOutput: .capture(limit: vmlinuxLimit, overflow: .killChild), timeLimit: .seconds(120))
        guard let outcome = try? child.run(), outcome.termination.succeeded, !outcome.standardOutputTruncated,
              PVHEntryNote.present(in: outcome.standardOutput) else { return nil }
        return outcome.standardOutput
    }

    /// The host decompressor for a payload format, reading stdin and writing stdout; nil when
    /// the host has none. xz reads only the first stream: the kernel build's size trailer may follow.
    static func decompressor(_ compression: BzImagePayload.Compression) -> (executable: String, arguments: [String])? {
        let (name, arguments): (String, [String]) = switch compression {
        case .xz: ("xz", ["-d", "-c", "--single-stream"])
        case .lzma: ("xz", ["-d", "-c", "--format=lzma"])
        case .gzip: ("gzip", ["-d", "-c"])
        case .zstd: ("zstd", ["-d", "-c", "-q"])
        case .bzip2: ("bzip2", ["-d", "-c"])
        case .lz4: ("lz4", ["-d", "-c"])
        }
        guard let executable = ["/usr/bin/", "/bin/"].map({ $0 + name }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        return (executable, arguments)
    }

    /// Writes both files into a fresh directory and renames it into place, so a reader sees the
    /// pair complete or not at all; a concurrent kdumpbake that got there first wins.
    private static func install(directory: String, bzImage: [UInt8], vmlinux: [UInt8]) -> Bool {
        let temporary = directory + ".\(getpid()).\(UUID().uuidString).new"
        guard mkdir(temporary, 0o700) == 0 else { return false }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            try Data(bzImage).write(to: URL(fileURLWithPath: temporary + "/bzImage"))
            try Data(vmlinux).write(to: URL(fileURLWithPath: temporary + "/vmlinux"))
        } catch {
            return false
        }
        return rename(temporary, directory) == 0 || FileManager.default.fileExists(atPath: directory + "/vmlinux")
    }

    /// Earlier kernels' pairs (~75 MiB each) go when a new one is made. A kdumpbake still
    /// launching with one loses nothing: its wrapper's `cmp` fails and the bzImage boots.
    private static func removeOthers(in privateDirectory: String, keeping directory: String) {
        let keep = (directory as NSString).lastPathComponent
        for name in (try? FileManager.default.contentsOfDirectory(atPath: privateDirectory)) ?? []
        where name.hasPrefix(directoryPrefix) && name != keep && !name.hasSuffix(".new") {
            try? FileManager.default.removeItem(atPath: privateDirectory + "/" + name)
        }
    }
}
