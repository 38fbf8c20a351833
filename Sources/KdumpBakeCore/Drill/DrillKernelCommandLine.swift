/// The kernel command line the drill boots the guest's kernel with (direct kernel boot).
public enum DrillKernelCommandLine {
    /// The serial console the drill reads; qemu's `-serial stdio` is the guest's ttyS0.
    public static let serialConsole = "console=ttyS0,115200"

    /// `words` (the default boot entry's command line, split) made to print the drill's
    /// milestones on the serial console:
    /// - `quiet`, `splash`, `rhgb` and any `loglevel=` go: they lower the console log level, and
    ///   the kernel's crashkernel and command-line lines are below a quiet one (the trigger's
    ///   markers are KERN_CRIT, but a `loglevel=1` would hide even those);
    /// - every `console=` goes and `console=ttyS0,115200` is appended: the last console is the
    ///   one /dev/console (and so systemd's status lines) uses, and the serial port must get the kernel's messages;
    /// - words after a standalone `--` are init's, not the kernel's: they stay after it, unchanged.
    /// The capture kernel inherits this console: kdump tools build its command line from /proc/cmdline.
    public static func forSerialConsole(_ words: [String]) -> [String] {
        let dashes = words.firstIndex(of: "--") ?? words.endIndex
        let dropped: Set<String> = ["quiet", "splash", "rhgb", "console", "loglevel"]
        let kernel = words[..<dashes].filter { !dropped.contains(KernelCommandLine.parameter($0).key) }
        return kernel + [serialConsole] + words[dashes...]
    }
}
