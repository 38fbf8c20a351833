/// The one-shot trigger the drill installs in the throw-away overlay (never in the image): a
/// script that waits for kdump to arm, disarms itself, and crashes the kernel once, printing
/// markers the console timeline reads; and what starts it at boot, per family.
///
/// The script is fixed text: nothing from the guest goes into it, the only rendered value is
/// an integer (the wait). It writes its markers to /dev/kmsg at KERN_CRIT, so the kernel prints
/// them on the serial console in order with its own messages, even under `quiet`.
public enum DrillTrigger {
    public enum Mode: Sendable, Equatable {
        /// Wait up to this many seconds for `/sys/kernel/kexec_crash_loaded` to read 1; crash only
        /// then, else report why not and power off.
        case afterKdumpArms(waitSeconds: Int)
        /// Crash at once: the image does not enable kdump, the drill only shows what the panic does.
        case immediately
    }

    /// One file to create in the overlay: a regular file, or a symbolic link when `symlinkTarget` is set.
    public struct File: Sendable, Equatable {
        public var path: String
        public var contents: String
        /// Mode bits (0o755). Ignored for a symbolic link.
        public var permissions: Int
        public var symlinkTarget: String?

        public init(path: String, contents: String, permissions: Int, symlinkTarget: String? = nil) {
            self.path = path
            self.contents = contents
            self.permissions = permissions
            self.symlinkTarget = symlinkTarget
        }
    }

    public static let scriptPath = "/etc/kdumpbake-drill.sh"
    public static let unitPath = "/etc/systemd/system/kdumpbake-drill.service"
    public static let wantsLinkPath = "/etc/systemd/system/multi-user.target.wants/kdumpbake-drill.service"
    /// el6's SysV start links, in runlevels 3 and 5. S99 runs after S20kdump (kdump's own
    /// priority); `zz` sorts after anything else at 99.
    public static let sysVStartLinks = ["/etc/rc.d/rc3.d/S99zzkdumpbake-drill", "/etc/rc.d/rc5.d/S99zzkdumpbake-drill"]

    /// The files that make `family`'s guest run the trigger once at its next boot.
    public static func files(for family: KdumpFamily, mode: Mode) -> [File] {
        let script = File(path: scriptPath, contents: DrillTriggerScript.text(mode: mode), permissions: 0o755)
        switch family {
        case .el6:
            return [script] + sysVStartLinks.map { File(path: $0, contents: "", permissions: 0o777, symlinkTarget: scriptPath) }
        case .el7, .el8, .kdumpTools, .sles:
            return [
                script,
                File(path: unitPath, contents: unitText, permissions: 0o644),
                File(path: wantsLinkPath, contents: "", permissions: 0o777, symlinkTarget: unitPath),
            ]
        }
    }

    /// Ordered after the kdump service of every family (an After= on a unit the guest does not
    /// have is ignored), so the trigger starts once kdump has loaded or given up. Not After=
    /// multi-user.target: that target wants this unit, and a target is ordered after the units it
    /// wants, so the two orderings would form a cycle systemd breaks by dropping a unit.
    /// The script runs through /bin/sh rather than being executed itself: under SELinux a file in
    /// /etc carries etc_t, which systemd may read but not execute.
    static let unitText = """
        [Unit]
        Description=kdumpbake drill: crash the kernel once kdump is armed (one-shot, throw-away overlay only)
        After=kdump.service kdump-tools.service kdump-early.service

        [Service]
        Type=simple
        ExecStart=/bin/sh \(scriptPath)

        [Install]
        WantedBy=multi-user.target

        """
}
