import Foundation
import Guestfs
import HostProcess
@testable import KdumpBakeAppliance
import KdumpBakeCore
import TestSupport
import Testing

/// TCG appliances boot the host kernel decompressed once on the host (`DirectBootKernel`): the
/// host's real kernel, the per-user pair and its reuse, and one real launch that boots it.
@Suite struct DirectBootKernelTests {
    /// The kernel supermin would copy: the newest /boot/vmlinuz-* (ci/setup installs linux-image-amd64).
    static func hostKernel() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: "/boot").filter { $0.hasPrefix("vmlinuz-") }
        let name = try #require(names.sorted { $0.compare($1, options: .numeric) == .orderedAscending }.last, "no kernel in /boot")
        return "/boot/" + name
    }

    @Test func theHostKernelDecompressesToAnImageQemuBootsAtItsPVHEntry() throws {
        let bzImage = try #require(FileManager.default.contents(atPath: try Self.hostKernel()).map(Array.init))
        let payload = try #require(BzImagePayload.locate(in: bzImage))
        let vmlinux = try #require(DirectBootKernel.decompress(bzImage), "\(payload.compression) payload did not decompress to a PVH ELF")
        #expect(Array(vmlinux.prefix(4)) == [0x7F, 0x45, 0x4C, 0x46])
        #expect(vmlinux.count > 3 * bzImage.count, "\(vmlinux.count) bytes from \(bzImage.count)")
        #expect(PVHEntryNote.present(in: vmlinux))
    }

    @Test func thePairIsMadeOnceForLibguestfsKernelAndReplacedWithIt() throws {
        let base = try HostDirectory()
        let applianceDirectory = base.path + "/.guestfs-\(geteuid())/appliance.d"
        let privateDirectory = base.path + "/private"
        try FileManager.default.createDirectory(atPath: applianceDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: privateDirectory, withIntermediateDirectories: true)
        #expect(DirectBootKernel.swap(cacheDirectory: base.path, privateDirectory: privateDirectory) == nil, "no appliance built yet")

        let kernel = applianceDirectory + "/kernel"
        try FileManager.default.copyItem(atPath: try Self.hostKernel(), toPath: kernel)
        let swap = try #require(DirectBootKernel.swap(cacheDirectory: base.path, privateDirectory: privateDirectory))
        #expect(FileManager.default.contents(atPath: swap.bzImage) == FileManager.default.contents(atPath: kernel))
        #expect(PVHEntryNote.present(in: Array(try #require(FileManager.default.contents(atPath: swap.vmlinux)))))
        var before = stat(), after = stat()
        #expect(stat(swap.vmlinux, &before) == 0)
        // libguestfs touches the kernel at every launch: the same file keeps its pair, unwritten.
        var now = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, kernel, &now, 0) == 0)
        #expect(DirectBootKernel.swap(cacheDirectory: base.path, privateDirectory: privateDirectory) == swap)
        #expect(stat(swap.vmlinux, &after) == 0 && after.st_ino == before.st_ino)

        // supermin rebuilt the appliance (a new file): a new pair, the old one removed.
        try FileManager.default.removeItem(atPath: kernel)
        try FileManager.default.copyItem(atPath: try Self.hostKernel(), toPath: kernel + ".new")
        #expect(rename(kernel + ".new", kernel) == 0)
        let renewed = try #require(DirectBootKernel.swap(cacheDirectory: base.path, privateDirectory: privateDirectory))
        if renewed != swap {  // the filesystem may hand the new file the old inode
            #expect(!FileManager.default.fileExists(atPath: swap.vmlinux))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: privateDirectory) == [(renewed.vmlinux as NSString).deletingLastPathComponent.split(separator: "/").last.map(String.init) ?? ""])

        // Not a kernel: no pair, nothing left behind.
        try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: kernel + ".new"))
        #expect(rename(kernel + ".new", kernel) == 0)
        #expect(DirectBootKernel.swap(cacheDirectory: base.path, privateDirectory: privateDirectory) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: privateDirectory).count == 1)
    }

    /// A real TCG launch boots the vmlinux (its qemu's `-kernel`), and the appliance works.
    @Test func aTCGApplianceBootsTheDecompressedKernel() throws {
        var policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment)
        policy.accelerator = .forceTCG
        policy.directKernel = true
        let cacheDirectory = try GuestfsHandle().cacheDirectory
        if DirectBootKernel.swap(cacheDirectory: cacheDirectory, privateDirectory: try TCGCodeCache.privateDirectory(in: cacheDirectory)) == nil {
            // A fresh host: libguestfs builds its appliance (and its kernel copy) at the first launch.
            try ApplianceLauncher.launch(policy: policy) { try $0.addScratchDrive(bytes: 1 << 20) }.shutdown()
        }
        let swap = try #require(DirectBootKernel.swap(cacheDirectory: cacheDirectory, privateDirectory: try TCGCodeCache.privateDirectory(in: cacheDirectory)))
        let marker = try HostDirectory()
        let drive = marker.path + "/marker.img"
        #expect(FileManager.default.createFile(atPath: drive, contents: Data(count: 1 << 20)))
        var log: [String] = []
        let handle = try ApplianceLauncher.launch(policy: policy, log: { log.append($0) }) { handle in
            try handle.addDrive(drive, DriveOptions(format: "raw", readonly: false))  // writable: qemu opens the file itself (a read-only drive gets an overlay)
        }
        let line = try #require(qemuCommandLines().first { $0.contains(drive) })
        #expect(line.contains(" -kernel \(swap.vmlinux) "), "\(line)")
        #expect(try handle.listDevices() == ["/dev/sda"])
        try handle.shutdown()
        #expect(log.isEmpty, "\(log)")
    }

    /// A decompressed kernel qemu cannot boot: the launch fails, is retried once with the bzImage, and the audit
    /// succeeds and says so. A cache directory of its own (a copy of libguestfs's appliance, so supermin builds
    /// nothing) keeps the broken vmlinux away from every other test.
    @Test func aDecompressedKernelThatFailsIsRetriedWithTheBzImage() throws {
        let shared = try GuestfsHandle().cacheDirectory + "/.guestfs-\(geteuid())/appliance.d"
        if !FileManager.default.fileExists(atPath: shared + "/kernel") {
            var policy = LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment)
            policy.accelerator = .forceTCG
            try ApplianceLauncher.launch(policy: policy) { try $0.addScratchDrive(bytes: 1 << 20) }.shutdown()
        }
        let base = try HostDirectory()
        let appliance = base.path + "/.guestfs-\(geteuid())/appliance.d"
        try FileManager.default.createDirectory(atPath: appliance, withIntermediateDirectories: true)
        for file in ["kernel", "initrd", "root"] {
            #expect(try HostTool.run(["cp", "--sparse=always", shared + "/" + file, appliance + "/" + file]).status == 0)
        }
        var status = stat()
        #expect(stat(appliance + "/kernel", &status) == 0)
        let pair = base.path + "/kdumpbake-qemu-\(getuid())/direct-kernel-\(status.st_dev)-\(status.st_ino)-\(status.st_size)"
        try FileManager.default.createDirectory(atPath: pair, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(base.path + "/kdumpbake-qemu-\(getuid())", 0o700)
        try FileManager.default.copyItem(atPath: appliance + "/kernel", toPath: pair + "/bzImage")
        try Data("not a kernel".utf8).write(to: URL(fileURLWithPath: pair + "/vmlinux"))

        let image = base.path + "/blank.img"
        #expect(FileManager.default.createFile(atPath: image, contents: Data(count: 1 << 20)))
        let run = try CLIRun.run(["audit", "--tcg", image], environment: ["LIBGUESTFS_CACHEDIR": base.path])
        #expect(run.stderr.contains("did not start from the host kernel decompressed for TCG"), "\(run.stderr)")
        #expect(run.stderr.contains("retrying with the compressed kernel"), "\(run.stderr)")
        // The retried launch ran: the appliance looked at the blank disk and found no operating system (exit 2),
        // rather than the launch failing; and the vmlinux was tried once.
        #expect(run.status == 2, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("\(image): no operating system found on this image"), "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "retrying with the compressed kernel").count == 2, "\(run.stderr)")
    }
}
