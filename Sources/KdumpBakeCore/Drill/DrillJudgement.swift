import Foundation

extension DrillVerdict {
    /// The verdict of a drill and a one-sentence reason, from what the console showed, how the
    /// drill ended and what the disk holds afterwards (nil when the disk could not be read).
    ///
    /// The console is guest output and can lie, so `rebooted-with-dump` needs a non-empty dump
    /// file on the disk; console milestones only explain the other verdicts. The rules, in order:
    /// 1. the second boot reached userspace: with a dump file `rebooted-with-dump`, else
    ///    `rebooted-without-dump` saying why (the dump failed, or no capture kernel started);
    /// 2. the trigger said kdump never armed: `kdump-not-armed` with its reason;
    /// 3. the kernel halted after the panic (panic's last line, kernel.panic = 0): `hung` at once;
    /// 4. stopped after the panic (a limit, or qemu exiting: a VM that powers off instead of
    ///    rebooting stays down too): `hung`, naming the last milestone;
    /// 5. stopped before the panic: `boot-failed`, naming the last milestone.
    public static func judge(timeline: ConsoleTimeline, end: DrillEnd, evidence: DrillEvidence?) -> (verdict: DrillVerdict, reason: String) {
        if end == .secondBootReached {
            return judgeSecondBoot(timeline, evidence)
        }
        if end == .kdumpNotArmed || timeline.reached(.kdumpNotArmed) {
            var reason = "kdump never armed: " + (timeline.entry(.kdumpNotArmed)?.detail ?? "the trigger gave up waiting for /sys/kernel/kexec_crash_loaded")
            if let refused = timeline.entry(.crashKernelNotReserved) {
                reason += "; the kernel said: \(refused.detail ?? refused.milestone.rawValue)"
            }
            return (.kdumpNotArmed, reason)
        }
        if end == .haltedAfterPanic {
            return (.hung, "the kernel stopped for good after the panic (kernel.panic = 0) and no capture kernel took over: the VM would hang until someone resets it")
        }
        let stop = stopDescription(end, timeline)
        if timeline.reached(.panic) {
            return (.hung, "\(stop): the VM did not come back by itself")
        }
        return (.bootFailed, "\(stop), before the trigger's panic")
    }

    private static func judgeSecondBoot(_ timeline: ConsoleTimeline, _ evidence: DrillEvidence?) -> (verdict: DrillVerdict, reason: String) {
        let directory = evidence?.dumpDirectory ?? "the dump directory"
        if let dump = evidence?.dump {
            let dmesg = evidence?.dmesgMentionsPanic == true ? "; its dmesg holds the panic" : ""
            return (.rebootedWithDump, "the capture kernel wrote \(dump.path) (\(dump.size) bytes)\(dmesg) and the VM rebooted by itself")
        }
        let missing = evidence == nil ? "the disk could not be read afterwards, so no dump file was seen" : "no dump file under \(directory)"
        if let failure = timeline.entry(.dumpFailed) {
            return (.rebootedWithoutDump, "the capture kernel started but saving the dump failed (\(failure.detail ?? failure.milestone.rawValue)); \(missing)")
        }
        if !timeline.reached(.captureKernelStarted) {
            return (.rebootedWithoutDump, "kernel.panic rebooted it; kdump did not run (no capture kernel started); \(missing)")
        }
        if timeline.reached(.dumpWritten) {
            return (.rebootedWithoutDump, "the capture kernel said it saved the dump, but \(missing)")
        }
        return (.rebootedWithoutDump, "the capture kernel started and the VM rebooted, but \(missing)")
    }

    /// "no progress for 120 s after panic (+95.2s)" or "qemu exited with status 0 after kdump-armed".
    private static func stopDescription(_ end: DrillEnd, _ timeline: ConsoleTimeline) -> String {
        let last = timeline.entries.last.map { "after \($0.milestone.rawValue) (\(DrillTimes.elapsed($0.elapsedSeconds)))" }
            ?? "before the kernel printed anything"
        switch end {
        case .phaseLimit(let phase, let seconds):
            return "no progress for \(seconds) s \(last), while \(phase.waitingFor)"
        case .qemuExited(let status):
            return "qemu exited with status \(status) \(last)"
        case .secondBootReached, .kdumpNotArmed, .haltedAfterPanic:
            return "the drill stopped \(last)"  // not reached: handled before
        }
    }
}

extension DrillPhase {
    /// What the drill was waiting for in this phase, for reasons ("while waiting for the capture kernel").
    public var waitingFor: String {
        switch self {
        case .booting: "waiting for the kernel to start"
        case .arming: "waiting for kdump to arm"
        case .crashing: "waiting for the trigger's panic"
        case .capturing: "waiting for the capture kernel"
        case .dumping: "waiting for the dump to be saved"
        case .rebooting: "waiting for the reboot"
        case .secondBoot: "waiting for the second boot"
        }
    }
}

/// How the drill writes a time: `+123.4s`.
enum DrillTimes {
    static func elapsed(_ seconds: Double) -> String {
        "+" + String(format: "%.1f", seconds) + "s"
    }
}
