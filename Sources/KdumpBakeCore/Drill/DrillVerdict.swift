/// How a drill came out: did the image, after a kernel panic, write its dump and come back by itself?
public enum DrillVerdict: String, Codable, Sendable, CaseIterable {
    /// The capture kernel wrote a dump (found on the disk afterwards) and the VM rebooted into a
    /// normal boot by itself: what kdumpbake promises.
    case rebootedWithDump = "rebooted-with-dump"
    /// The VM came back by itself but no dump was written: kernel.panic's reboot without kdump.
    case rebootedWithoutDump = "rebooted-without-dump"
    /// No progress after the panic: the VM would stay down.
    case hung
    /// kdump never loaded a capture kernel, so the trigger did not crash the kernel.
    case kdumpNotArmed = "kdump-not-armed"
    /// The guest stopped (or qemu exited) before the panic.
    case bootFailed = "boot-failed"

    /// The process exit status: 0 only when the promise held.
    public var exitCode: Int32 { self == .rebootedWithDump ? 0 : 1 }
}

/// What the overlay's disk shows after the drill (read by the appliance side).
public struct DrillEvidence: Codable, Equatable, Sendable {
    public struct DumpFile: Codable, Equatable, Sendable {
        /// Path inside the guest.
        public var path: String
        public var size: Int64

        public init(path: String, size: Int64) {
            self.path = path
            self.size = size
        }

        /// A memory dump, not its dmesg: `vmcore` (RHEL, SLES) or `dump.*` (kdump-tools); an
        /// unfinished one (`vmcore-incomplete`, `dump-incomplete`) is not.
        public var isDump: Bool {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            guard !name.contains("dmesg"), !name.contains("incomplete") else { return false }
            return name.hasPrefix("vmcore") || name.hasPrefix("dump.")
        }
    }

    /// Where the guest's kdump writes (`/var/crash`).
    public var dumpDirectory: String
    /// Every file found under it, with sizes.
    public var files: [DumpFile]
    /// The dump's dmesg holds the panic message.
    public var dmesgMentionsPanic: Bool

    enum CodingKeys: String, CodingKey {
        case files
        case dumpDirectory = "dump_directory"
        case dmesgMentionsPanic = "dmesg_mentions_panic"
    }

    public init(dumpDirectory: String, files: [DumpFile], dmesgMentionsPanic: Bool) {
        self.dumpDirectory = dumpDirectory
        self.files = files
        self.dmesgMentionsPanic = dmesgMentionsPanic
    }

    /// The first non-empty dump file, if any.
    public var dump: DumpFile? { files.first { $0.isDump && $0.size > 0 } }
}

/// Why a drill stopped watching the console (qemu is stopped in every case).
public enum DrillEnd: Sendable, Equatable {
    /// The second boot reached userspace.
    case secondBootReached
    /// A phase ran out of time without a new milestone; `seconds` is the limit that ran out.
    case phaseLimit(DrillPhase, seconds: Int)
    /// qemu exited by itself (the guest powered off, or qemu failed).
    case qemuExited(status: Int32)
    /// The trigger reported that kdump never armed (and powered the guest off).
    case kdumpNotArmed
    /// The kernel printed panic's last line after the drill's panic: it spins forever from there
    /// (`ConsoleTimeline.haltedAfterPanic`).
    case haltedAfterPanic
}
