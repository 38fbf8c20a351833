import Foundation
import Guestfs
import HostProcess
@testable import KdumpBakeAppliance
import Testing

/// The qemu wrapper that bounds the TCG translation cache, run against a stand-in "qemu" that
/// prints its arguments one per line: no appliance needed.
@Suite struct TCGCodeCacheTests {
    private func standInQemu() throws -> String {
        let path = NSTemporaryDirectory() + "kdumpbake-test-qemu-\(UUID().uuidString)"
        try "#!/bin/sh\nfor a; do printf '%s\\n' \"$a\"; done\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> [String] {
        let run = try ChildProcess(executable, arguments, standardOutput: .captureAll, standardError: .inherit).run()
        #expect(run.termination == .exited(0))
        return run.standardOutputText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func rewritesOnlyTheTCGAcceleratorAndKeepsEveryOtherArgument() throws {
        let qemu = try standInQemu()
        defer { unlink(qemu) }
        let wrapper = try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: 96, cacheDirectory: NSTemporaryDirectory())
        defer { unlink(wrapper) }
        let output = try run(wrapper, [
            "-m", "1280", "-machine", "accel=tcg", "-append", "a b;$(touch /tmp/x) 'q'", "",
            "-machine", "pc,accel=tcg", "-machine", "accel=kvm:tcg", "-machine",
        ])
        #expect(output == [
            "-m", "1280", "-accel", "tcg,tb-size=96", "-append", "a b;$(touch /tmp/x) 'q'", "",
            "-machine", "pc", "-accel", "tcg,tb-size=96", "-machine", "accel=kvm:tcg", "-machine",
        ])
    }

    /// `-kernel K` becomes the vmlinux only when K has the bzImage's exact bytes (`cmp`): a kernel
    /// that supermin replaced since, or any other file, passes unchanged.
    @Test func kernelIsSwappedOnlyForTheBzImageItWasDecompressedFrom() throws {
        let qemu = try standInQemu()
        defer { unlink(qemu) }
        let directory = NSTemporaryDirectory() + "kdumpbake-test-kernel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let swap = DirectBootKernel.Swap(bzImage: directory + "/bzImage", vmlinux: directory + "/it's vmlinux")
        try Data("kernel one".utf8).write(to: URL(fileURLWithPath: swap.bzImage))
        try Data("kernel one".utf8).write(to: URL(fileURLWithPath: directory + "/appliance kernel"))
        try Data("kernel two".utf8).write(to: URL(fileURLWithPath: directory + "/updated kernel"))
        let wrapper = try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: 96, kernel: swap, cacheDirectory: NSTemporaryDirectory())
        defer { unlink(wrapper) }
        #expect(wrapper != (try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: 96, cacheDirectory: NSTemporaryDirectory())))
        #expect(try run(wrapper, ["-kernel", directory + "/appliance kernel", "-machine", "accel=tcg", "-initrd", "i"])
                == ["-kernel", swap.vmlinux, "-accel", "tcg,tb-size=96", "-initrd", "i"])
        #expect(try run(wrapper, ["-kernel", directory + "/updated kernel", "-m", "1"]) == ["-kernel", directory + "/updated kernel", "-m", "1"])
        #expect(try run(wrapper, ["-kernel", directory + "/missing", "-kernel"]) == ["-kernel", directory + "/missing", "-kernel"])
        #expect(try run(wrapper, ["-append", "-kernel"]) == ["-append", "-kernel"])
    }

    @Test func wrapperIsReusedAndCarriesTheWrappedQemusMtime() throws {
        let qemu = try standInQemu()
        defer { unlink(qemu) }
        var old = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, qemu, &old, 0) == 0)
        let first = try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: 64, cacheDirectory: NSTemporaryDirectory())
        let second = try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: 64, cacheDirectory: NSTemporaryDirectory())
        #expect(first == second)
        var status = stat()
        #expect(stat(first, &status) == 0)
        #expect(status.st_mtim.tv_sec == 1_000_000_000)  // libguestfs keys its qemu cache by size + mtime
        #expect(status.st_mode & 0o077 == 0)
        #expect(try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: 32, cacheDirectory: NSTemporaryDirectory()) != first)
        unlink(first)
        unlink(try TCGCodeCache.hypervisor(wrapping: qemu, mebibytes: 32, cacheDirectory: NSTemporaryDirectory()))
    }

    @Test func environmentTunesOrDisablesTheBound() {
        #expect(LaunchPolicy.fromEnvironment([:]).tcgCodeCacheMiB == TCGCodeCache.defaultMiB)
        #expect(LaunchPolicy.fromEnvironment(["KDUMPBAKE_TCG_CACHE_MIB": "256"]).tcgCodeCacheMiB == 256)
        #expect(LaunchPolicy.fromEnvironment(["KDUMPBAKE_TCG_CACHE_MIB": "0"]).tcgCodeCacheMiB == nil)
        #expect(LaunchPolicy.fromEnvironment(["KDUMPBAKE_TCG_CACHE_MIB": "lots"]).tcgCodeCacheMiB == TCGCodeCache.defaultMiB)
        #expect(LaunchPolicy.fromEnvironment([:]).directKernel)
        #expect(!LaunchPolicy.fromEnvironment(["KDUMPBAKE_DIRECT_KERNEL": "0"]).directKernel)
    }
}
