import Foundation
import Guestfs

/// Remembers, until the host reboots, that KVM failed here, so the next kdumpbake run goes straight
/// to TCG instead of paying the bounded KVM attempt again.
///
/// Broken nested KVM is a property of the host, not of one run: on this project's CI machine kind a
/// KVM launch hangs until the 60 s bound, and a pipeline runs kdumpbake many times (an audit, a
/// patch, a drill per image), each of which paid that minute. The note lives beside the TCG wrapper
/// (`BASE/kdumpbake-qemu-UID/kvm-failed`, a directory private to the user) and holds the kernel's
/// boot id: after a reboot (a fixed host, a new kernel module) KVM is tried again. Deleting the file
/// retries it at once; `--tcg` and `LIBGUESTFS_BACKEND_SETTINGS` still decide when given.
enum KVMFailureMemory {
    static let fileName = "kvm-failed"

    /// Where the note is: in kdumpbake's private directory under libguestfs's cache directory
    /// (LIBGUESTFS_CACHEDIR, else /var/tmp), or under `base` when given (tests).
    static func path(base: String? = nil) -> String? {
        guard let base = base ?? (try? GuestfsHandle().cacheDirectory),
              let directory = try? TCGCodeCache.privateDirectory(in: base) else { return nil }
        return directory + "/" + fileName
    }

    /// The reason KVM failed earlier in this boot of the host, or nil (never failed, another boot, no note).
    static func failureThisBoot(base: String? = nil) -> String? {
        path(base: base).flatMap(failureThisBoot(note:))
    }

    /// `failureThisBoot` for the note at `path`.
    static func failureThisBoot(note path: String) -> String? {
        guard let bootID = currentBootID(), let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == bootID else { return nil }
        return lines.count > 1 ? String(lines[1].prefix(300)).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown"
    }

    /// Records a KVM failure for this boot of the host (best effort: a note that cannot be written
    /// only means the next run tries KVM again).
    static func remember(_ reason: String, base: String? = nil) {
        guard let path = path(base: base), let bootID = currentBootID() else { return }
        try? (bootID + "\n" + reason.replacingOccurrences(of: "\n", with: " ") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// /proc/sys/kernel/random/boot_id: a new random id at every boot of the host kernel.
    static func currentBootID() -> String? {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
