/// A step of the drill the serial console shows: the guest boots, kdump arms, the trigger crashes
/// the kernel, the capture kernel writes the dump, and the VM comes back by itself.
///
/// The raw values are the words reports use (`kdump-armed`); the cases are in the order a
/// successful drill reaches them, the "not" cases beside the step they replace.
public enum DrillMilestone: String, Codable, Sendable, CaseIterable {
    /// The first boot's kernel printed `Linux version`.
    case kernelStarted = "kernel-started"
    /// The first kernel reserved memory for the capture kernel (`crashkernel=` honoured).
    case crashKernelReserved = "crashkernel-reserved"
    /// The first kernel said it could not reserve that memory.
    case crashKernelNotReserved = "crashkernel-not-reserved"
    /// The trigger saw `/sys/kernel/kexec_crash_loaded` read 1: a capture kernel is loaded.
    case kdumpArmed = "kdump-armed"
    /// The trigger gave up waiting for kdump to arm (its detail is the reason it saw).
    case kdumpNotArmed = "kdump-not-armed"
    /// The trigger is about to write `c` to /proc/sysrq-trigger.
    case triggerFired = "trigger-fired"
    /// The first kernel panicked after the trigger fired.
    case panic
    /// A kernel booted after the panic with `elfcorehdr=` on its command line: kdump's capture kernel.
    case captureKernelStarted = "capture-kernel-started"
    /// The capture kernel's kdump service said it saved the vmcore.
    case dumpWritten = "dump-written"
    /// The capture kernel's kdump service said saving failed, or the capture kernel panicked itself.
    case dumpFailed = "dump-failed"
    /// After the panic, a kernel said it is restarting the machine.
    case reboot
    /// A normal (non-capture) kernel booted after the panic.
    case secondBootKernel = "second-boot-kernel"
    /// That second boot reached userspace: the VM came back by itself.
    case secondBootUserspace = "second-boot-userspace"

    /// What a drill that ends `rebooted-with-dump` shows, in order (JUnit's test cases).
    public static let expectedWithDump: [DrillMilestone] = [
        .kernelStarted, .crashKernelReserved, .kdumpArmed, .triggerFired, .panic, .captureKernelStarted,
        .dumpWritten, .reboot, .secondBootKernel, .secondBootUserspace,
    ]
}

/// One milestone as the drill saw it: when, and the console line that showed it.
public struct TimelineEntry: Codable, Equatable, Sendable {
    public var milestone: DrillMilestone
    /// Seconds since qemu started.
    public var elapsedSeconds: Double
    /// The console line that showed the milestone (its kernel timestamp stripped), or for
    /// `kdump-not-armed` the reason the trigger printed. Guest text: at most
    /// `ConsoleLines.maximumLineBytes` bytes, invalid UTF-8 replaced, never terminal-escaped
    /// here (the text report escapes it; JSON keeps it exact).
    public var detail: String?

    enum CodingKeys: String, CodingKey {
        case milestone, detail
        case elapsedSeconds = "elapsed_seconds"
    }

    public init(milestone: DrillMilestone, elapsedSeconds: Double, detail: String? = nil) {
        self.milestone = milestone
        self.elapsedSeconds = elapsedSeconds
        self.detail = detail
    }
}
