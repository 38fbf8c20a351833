import Foundation

/// What the drill looks for on the serial console, in one place.
///
/// Every test is a case-sensitive substring test on one line with its kernel timestamp stripped.
/// The console is hostile input: any of these can be faked by the guest, which at worst gives a
/// wrong milestone. That is why the verdict "rebooted-with-dump" also needs a dump file found on
/// the disk afterwards, and why each pattern only counts in the boot where it means something
/// (`ConsoleTimeline` knows which boot it is in).
enum ConsolePatterns {
    /// The first line every Linux kernel prints.
    static let kernelBanner = "Linux version "
    /// `start_kernel` prints the command line it booted with; kexec puts `elfcorehdr=` (the
    /// address of the crashed kernel's ELF core header) on the capture kernel's.
    static let commandLine = "Kernel command line:"
    static let captureParameter = "elfcorehdr="

    /// x86 `reserve_crashkernel` before 6.7: "Reserving 256MB of memory at 2800MB for crashkernel …".
    static func reportsReservation(_ line: String) -> Bool {
        if line.contains("crashkernel reserved:") { return true }  // 6.7 and later
        guard let reserving = line.range(of: "Reserving ") else { return false }
        return line[reserving.upperBound...].contains("for crashkernel")
    }

    /// The kernel says it reserved nothing: no room ("crashkernel reservation failed - No suitable
    /// area found"), or a `crashkernel=` it could not parse ("crashkernel: Memory value expected").
    static func reportsNoReservation(_ line: String) -> Bool {
        if line.contains("crashkernel reservation failed") || line.contains("cannot reserve crashkernel") { return true }
        if line.contains("memory reservation failed"), line.contains("crashkernel") { return true }
        return line.hasPrefix("crashkernel: ") && (line.contains("expected") || line.contains("invalid") || line.contains("unrecognized"))
    }

    /// The trigger's markers (`DrillTrigger`), written to /dev/kmsg at KERN_CRIT.
    static let markerPrefix = "kdumpbake-drill: "
    static let armedMarker = markerPrefix + "armed"
    static let notArmedMarker = markerPrefix + "not-armed"
    static let crashingMarker = markerPrefix + "crashing now"

    /// `panic()`'s first line; and sysrq's own line, which on kernels that crash through an oops
    /// with panic_on_oops set (el6, el7) is the only one printed before kexec takes over.
    static let panicLine = "Kernel panic - not syncing"
    static let sysrqCrash = ["sysrq: Trigger a crash", "SysRq : Trigger a crash"]

    /// The capture kernel's dump tools: Debian/Ubuntu kdump-tools, and RHEL's kdump dracut module.
    static let dumpSaved = ["kdump-tools: saved vmcore in", "kdump: saving vmcore complete"]
    /// The dump tools' failures, and the capture initrd not finding the disk it must write to:
    /// initramfs-tools' "Gave up waiting for root file system device" / "ALERT! UUID=… does not
    /// exist" (a kdump initrd without the disk driver, e.g. ata_piix on an emulated IDE disk).
    static let dumpNotSaved = ["failed to save vmcore", "kdump: saving vmcore failed", "Gave up waiting for root", "ALERT! "]

    /// `panic()`'s last line. It is printed only when the kernel is about to spin forever: after
    /// kexec into a capture kernel (which never returns) and after the "Rebooting in N seconds"
    /// countdown (kernel.panic > 0) were both not taken. Seen after the drill's panic, the VM is hung.
    static let panicEnd = "---[ end Kernel panic"

    /// The kernel restarting: `reboot: Restarting system` (older kernels print "Restarting
    /// system." without the prefix, so the prefix is not required), or panic's countdown
    /// ("Rebooting in 5 seconds..") when kernel.panic is set and no capture kernel is loaded.
    static let restart = ["Restarting system", "Rebooting in "]

    /// Userspace of a boot: systemd's banner and its log prefix, SysV init's banner, a getty prompt.
    static let userspace = ["Welcome to ", "systemd[1]: ", "INIT: version", " login: "]

    static func containsAny(_ line: String, _ patterns: [String]) -> Bool {
        patterns.contains { line.contains($0) }
    }
}
