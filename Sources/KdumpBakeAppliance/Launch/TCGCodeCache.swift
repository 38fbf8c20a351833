import Guestfs
import KdumpBakeCore
import Foundation

/// Bounds qemu's TCG translation cache for appliances launched under software emulation.
///
/// qemu reserves min(1 GiB, host RAM / 8) for translated guest code and an appliance fills it
/// as it runs: measured here, one that inspected 8 drives had all 1 GiB resident (1,462 MiB
/// peak RSS), while with a 128 MiB cache the same work peaked at 454 MiB in the same time; 32 MiB
/// made it 24 % slower from retranslation. libguestfs has no setting for it, and the
/// `-machine accel=tcg` it passes cannot be combined with `-accel tcg,tb-size=N`. So TCG launches
/// run qemu through a small wrapper script that rewrites exactly that argument; every other
/// argument passes unchanged, and a libguestfs that passes something else gets qemu's default.
///
/// The wrapper lives in a private per-user directory beside libguestfs's own appliance cache
/// (`/var/tmp` unless `LIBGUESTFS_CACHEDIR`), not in `$TMPDIR`, which runs may empty or make
/// private; it is rewritten only when its content would change. It carries the wrapped qemu's mtime because libguestfs caches what
/// it learns about a qemu binary under the binary's size and mtime: a fresh mtime per run would
/// cost a re-probe and leave a new cache entry behind every time.
public enum TCGCodeCache {
    /// The MiB a TCG appliance's translation cache is bounded to unless the caller says otherwise.
    public static let defaultMiB = 128
    /// The bound for a patch appliance that builds kdump initrds. Two real mkinitramfs runs side by
    /// side execute thousands of short programs, and with 128 MiB qemu kept retranslating them.
    /// Measured on the real Debian guest (two kernels, 2 vCPUs): the builds took 117–135 s with
    /// 128 MiB, 73–85 s with 192, 82–89 s with 256 and 89–98 s with 512; the whole patch 163–178 s,
    /// 118 s, 119 s and 158 s; peak RSS 561–588, 645, 727 and 1,016 MiB. 192 was the fastest; three
    /// more runs with it peaked at 643, 748 and 654 MiB, so the 700 MiB target is met most of the time, not always.
    public static let buildMiB = 192

    /// The path of a wrapper that runs `qemu` with its translation cache bounded to `mebibytes`
    /// (and, given `kernel`, the appliance kernel booted directly: `DirectBootKernel`), created if
    /// needed under `cacheDirectory`.
    static func hypervisor(wrapping qemu: String, mebibytes: Int, kernel: DirectBootKernel.Swap? = nil, cacheDirectory: String) throws -> String {
        let directory = try privateDirectory(in: cacheDirectory)
        let kernelTag = kernel.map { "-k" + stableHash($0.bzImage + "\n" + $0.vmlinux) } ?? ""
        let path = directory + "/qemu-tcg-\(mebibytes)-\(stableHash(qemu))\(kernelTag).sh"
        let script = Array(wrapperScript(qemu: qemu, mebibytes: mebibytes, kernel: kernel).utf8)
        var qemuStatus = stat()
        guard stat(qemu, &qemuStatus) == 0 else { throw failure(qemu, "cannot stat the hypervisor") }

        var existing = stat()
        if lstat(path, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFREG, existing.st_uid == getuid(),
           existing.st_mtim.tv_sec == qemuStatus.st_mtim.tv_sec,
           FileManager.default.contents(atPath: path).map(Array.init) == script {
            return path
        }
        // Unique per call: parallel jobs in one process may race to write the first wrapper.
        let temporary = path + ".\(getpid()).\(UUID().uuidString).new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o700)
        guard fd >= 0 else { throw failure(temporary, "cannot create") }
        defer { unlink(temporary) }
        let written = script.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var times = [qemuStatus.st_atim, qemuStatus.st_mtim]
        let stamped = futimens(fd, &times)
        close(fd)
        guard written == script.count, stamped == 0 else { throw failure(temporary, "cannot write") }
        guard rename(temporary, path) == 0 else { throw failure(path, "cannot install") }
        return path
    }

    /// The POSIX shell script that rewrites `-machine accel=tcg` (or `-machine TYPE,accel=tcg`)
    /// into `-accel tcg,tb-size=N` and, given `kernel`, `-kernel K` into `-kernel VMLINUX` when K
    /// has exactly the bytes of `kernel.bzImage`; then execs `qemu`.
    static func wrapperScript(qemu: String, mebibytes: Int, kernel: DirectBootKernel.Swap? = nil) -> String {
        let accel = "tcg,tb-size=\(mebibytes)"
        let kernelRule = kernel.map { swap in
            """

              if [ "$arg" = -kernel ] && [ "$n" -gt 0 ] && cmp -s -- "$1" \(shellQuoted(swap.bzImage)); then
                shift; n=$((n - 1)); set -- "$@" -kernel \(shellQuoted(swap.vmlinux)); continue
              fi
            """
        } ?? ""
        return """
            #!/bin/sh
            # Written by kdumpbake: runs qemu with its TCG translation cache bounded to \(mebibytes) MiB
            # (see TCGCodeCache.swift). Only "-machine [TYPE,]accel=tcg" is rewritten\(kernel == nil ? "" : ",\n# and -kernel when it is the bzImage that DirectBootKernel.swift decompressed").
            n=$#
            while [ "$n" -gt 0 ]; do
              arg=$1; shift; n=$((n - 1))\(kernelRule)
              if [ "$arg" = -machine ] && [ "$n" -gt 0 ]; then
                case $1 in
                  accel=tcg) shift; n=$((n - 1)); set -- "$@" -accel \(accel); continue ;;
                  *,accel=tcg) machine=${1%,accel=tcg}; shift; n=$((n - 1)); set -- "$@" -machine "$machine" -accel \(accel); continue ;;
                esac
              fi
              set -- "$@" "$arg"
            done
            exec \(shellQuoted(qemu)) "$@"

            """
    }

    /// `BASE/kdumpbake-qemu-UID`, created 0700; refused unless it is a real directory owned by
    /// this user and closed to others (a shared /var/tmp must not let another user plant the script).
    static func privateDirectory(in base: String) throws -> String {
        let path = (base as NSString).appendingPathComponent("kdumpbake-qemu-\(getuid())")
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw failure(path, "cannot create") }
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR, status.st_uid == getuid(),
              status.st_mode & 0o077 == 0 else {
            throw ApplianceError.translationCache("\(path): not a private directory of this user; remove it")
        }
        return path
    }

    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// FNV-1a of the path, so two qemu binaries get two wrappers; stable across runs.
    private static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    private static func failure(_ path: String, _ what: String) -> ApplianceError {
        .translationCache("\(path): \(what): \(String(cString: strerror(errno)))")
    }
}
