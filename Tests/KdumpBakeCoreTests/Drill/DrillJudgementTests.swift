@testable import KdumpBakeCore
import Testing

extension Drill {
    /// Each verdict rule, the phases and their limits.
    @Suite("DrillJudgement")
    struct DrillJudgementTests {
        typealias T = DrillTranscripts

        static let crash = "/var/crash/202411281200"
        static let dumped = DrillEvidence(dumpDirectory: "/var/crash", files: [
            .init(path: "\(crash)/dmesg.202411281200", size: 61_440),
            .init(path: "\(crash)/dump.202411281200", size: 48_213_504),
        ], dmesgMentionsPanic: true)
        static let nothing = DrillEvidence(dumpDirectory: "/var/crash", files: [], dmesgMentionsPanic: false)

        static func judge(_ lines: [String], _ end: DrillEnd, _ evidence: DrillEvidence?,
                          mode: DrillTrigger.Mode = .afterKdumpArms(waitSeconds: 300)) -> (verdict: DrillVerdict, reason: String) {
            DrillVerdict.judge(timeline: T.timeline(lines, mode: mode), end: end, evidence: evidence)
        }

        // MARK: the second boot

        @Test func secondBootWithADumpFileIsTheOnlySuccess() {
            let judged = Self.judge(T.withDump, .secondBootReached, Self.dumped)
            #expect(judged.verdict == .rebootedWithDump)
            #expect(judged.verdict.exitCode == 0)
            #expect(judged.reason == "the capture kernel wrote \(Self.crash)/dump.202411281200 (48213504 bytes); its dmesg holds the panic and the VM rebooted by itself")
        }

        @Test func theConsoleAloneIsNoProofOfADump() {
            // Every milestone on the console, but the disk holds no dump: the console can lie.
            let empty = Self.judge(T.withDump, .secondBootReached, Self.nothing)
            #expect(empty.verdict == .rebootedWithoutDump)
            #expect(empty.verdict.exitCode == 1)
            #expect(empty.reason == "the capture kernel said it saved the dump, but no dump file under /var/crash")
            let zeroBytes = DrillEvidence(dumpDirectory: "/var/crash", files: [.init(path: "/var/crash/1/vmcore", size: 0)], dmesgMentionsPanic: false)
            #expect(Self.judge(T.withDump, .secondBootReached, zeroBytes).verdict == .rebootedWithoutDump)
            let onlyDmesg = DrillEvidence(dumpDirectory: "/var/crash", files: [.init(path: "/var/crash/1/vmcore-dmesg.txt", size: 9_000)], dmesgMentionsPanic: true)
            #expect(Self.judge(T.withDump, .secondBootReached, onlyDmesg).verdict == .rebootedWithoutDump)
            let incomplete = DrillEvidence(dumpDirectory: "/var/crash", files: [.init(path: "/var/crash/1/vmcore-incomplete", size: 9_000)], dmesgMentionsPanic: false)
            #expect(Self.judge(T.withDump, .secondBootReached, incomplete).verdict == .rebootedWithoutDump)
            let unread = Self.judge(T.withDump, .secondBootReached, nil)
            #expect(unread.verdict == .rebootedWithoutDump)
            #expect(unread.reason.contains("the disk could not be read afterwards"))
        }

        @Test func panicRebootWithoutKdumpSaysKdumpDidNotRun() {
            let judged = Self.judge(T.panicReboot, .secondBootReached, Self.nothing, mode: .immediately)
            #expect(judged.verdict == .rebootedWithoutDump)
            #expect(judged.reason.hasPrefix("kernel.panic rebooted it; kdump did not run"))
        }

        @Test func aFailedDumpIsNamed() {
            let lines = T.firstBoot() + T.armAndCrash + Array(T.capture.prefix(4)) + [
                "[   20.0] kdump-tools[250]:  * kdump-tools: failed to save vmcore in /var/crash/202411281200", "[   21.0] reboot: Restarting system",
            ] + T.secondBoot
            let judged = Self.judge(lines, .secondBootReached, Self.nothing)
            #expect(judged.verdict == .rebootedWithoutDump)
            #expect(judged.reason.contains("saving the dump failed (kdump-tools[250]:  * kdump-tools: failed to save vmcore in /var/crash/202411281200)"))
        }

        @Test func dumpFilesAreToldApartFromTheirDmesg() {
            let names = ["/var/crash/1/vmcore": true, "/var/crash/2/dump.202411281200": true, "/var/crash/1/vmcore-dmesg.txt": false,
                         "/var/crash/2/dmesg.202411281200": false, "/var/crash/2/dump-incomplete": false, "/var/crash/kexec_cmd": false]
            for (path, isDump) in names { #expect(DrillEvidence.DumpFile(path: path, size: 1).isDump == isDump, "\(path)") }
        }

        // MARK: kdump never armed

        @Test func notArmedGivesTheTriggersReasonAndTheKernels() {
            let lines = ["[    0.0] \(T.banner)", "[    0.006] crashkernel reservation failed - No suitable area found.",
                         "[  300.5] kdumpbake-drill: not-armed: crashkernel= is on the command line but the kernel reserved nothing (/sys/kernel/kexec_crash_size is 0)"]
            let judged = Self.judge(lines, .kdumpNotArmed, Self.nothing)
            #expect(judged.verdict == .kdumpNotArmed)
            #expect(judged.verdict.exitCode == 1)
            #expect(judged.reason == "kdump never armed: crashkernel= is on the command line but the kernel reserved nothing (/sys/kernel/kexec_crash_size is 0); the kernel said: crashkernel reservation failed - No suitable area found.")
            // The marker decides even when qemu's exit (the trigger powered off) ended the drill.
            #expect(Self.judge(lines, .qemuExited(status: 0), nil).verdict == .kdumpNotArmed)
            // The end alone, without a marker read.
            #expect(Self.judge(["[ 0.0] \(T.banner)"], .kdumpNotArmed, nil).reason.hasPrefix("kdump never armed: the trigger gave up"))
        }

        // MARK: stopped

        @Test func panicsLastLineIsHungAtOnce() {
            let judged = Self.judge(T.panicHalt, .haltedAfterPanic, nil, mode: .immediately)
            #expect(judged.verdict == .hung)
            #expect(judged.reason.contains("kernel.panic = 0"), "\(judged.reason)")
        }

        @Test func noProgressAfterThePanicIsHung() {
            let lines = T.firstBoot() + T.armAndCrash
            let timeline = T.timeline(lines)
            let panicAt = timeline.entry(.panic)!.elapsedSeconds
            #expect(timeline.currentPhase == .capturing)
            #expect(timeline.expiredPhase(at: panicAt + 119.9, limits: .tcg) == nil)
            #expect(timeline.expiredPhase(at: panicAt + 120, limits: .tcg) == .capturing)
            let judged = DrillVerdict.judge(timeline: timeline, end: .phaseLimit(.capturing, seconds: 120), evidence: Self.nothing)
            #expect(judged.verdict == .hung)
            #expect(judged.reason == "no progress for 120 s after panic (+\(Int(panicAt)).0s), while waiting for the capture kernel: the VM did not come back by itself")
        }

        @Test func aDumpWithoutTheRebootIsHungToo() {
            let lines = T.firstBoot() + T.armAndCrash + Array(T.capture.prefix(10))
            let judged = Self.judge(lines, .phaseLimit(.rebooting, seconds: 180), Self.dumped)
            #expect(judged.verdict == .hung)
            #expect(judged.reason.contains("after dump-written"))
        }

        @Test func poweringOffAfterThePanicIsHung() {
            let judged = Self.judge(T.firstBoot() + T.armAndCrash + Array(T.capture.prefix(10)), .qemuExited(status: 0), Self.dumped)
            #expect(judged.verdict == .hung)
            #expect(judged.reason.hasPrefix("qemu exited with status 0 after dump-written"))
        }

        @Test func stoppingBeforeThePanicIsBootFailed() {
            let silent = Self.judge([], .phaseLimit(.booting, seconds: 120), nil)
            #expect(silent.verdict == .bootFailed)
            #expect(silent.reason == "no progress for 120 s before the kernel printed anything, while waiting for the kernel to start, before the trigger's panic")
            let armed = Self.judge(T.firstBoot() + Array(T.armAndCrash.prefix(4)), .qemuExited(status: 1), nil)
            #expect(armed.verdict == .bootFailed)
            #expect(armed.reason.hasPrefix("qemu exited with status 1 after kdump-armed"))
        }

        // MARK: phases and limits

        @Test func phasesFollowTheFurthestMilestone() {
            func phase(_ lines: [String]) -> DrillPhase { T.timeline(lines).currentPhase }
            #expect(phase([]) == .booting)
            #expect(phase(Array(T.firstBoot().prefix(1))) == .arming)
            #expect(phase(T.firstBoot() + Array(T.armAndCrash.prefix(4))) == .crashing)
            #expect(phase(T.firstBoot() + T.armAndCrash) == .capturing)
            #expect(phase(T.firstBoot() + T.armAndCrash + Array(T.capture.prefix(3))) == .dumping)
            #expect(phase(T.firstBoot() + T.armAndCrash + Array(T.capture.prefix(10))) == .rebooting)
            #expect(phase(T.firstBoot() + T.armAndCrash + T.capture) == .secondBoot)
            #expect(phase(T.firstBoot() + T.armAndCrash + T.capture + Array(T.secondBoot.prefix(2))) == .secondBoot)
        }

        @Test func armingWaitsForTheTriggersOwnWaitToo() {
            let lines = Array(T.firstBoot().prefix(1))  // kernel-started at 0 s
            let waiting = T.timeline(lines, mode: .afterKdumpArms(waitSeconds: 300))
            #expect(waiting.expiredPhase(at: 900 + 299, limits: .tcg) == nil)
            #expect(waiting.expiredPhase(at: 900 + 300, limits: .tcg) == .arming)
            #expect(waiting.limit(of: .arming, in: .tcg) == 1_200)
            let immediate = T.timeline(lines, mode: .immediately)
            #expect(immediate.expiredPhase(at: 900, limits: .tcg) == .arming)
            #expect(ConsoleTimeline(mode: .immediately).expiredPhase(at: 60, limits: .kvm) == .booting)
        }

        @Test func aTimeoutScalesEveryLimit() {
            let limits = DrillLimits(timeout: 1_320)
            #expect(DrillLimits.tcg.total == 2_640)
            for phase in DrillPhase.allCases { #expect(limits[phase] == DrillLimits.tcg[phase] / 2, "\(phase)") }
            let tiny = DrillLimits(timeout: 1, scaling: .kvm)
            #expect(DrillPhase.allCases.allSatisfy { tiny[$0] == 1 })
            #expect(DrillLimits.defaults(for: .kvm) == .kvm)
            #expect(DrillPhase.allCases.allSatisfy { DrillLimits.kvm[$0] < DrillLimits.tcg[$0] })
        }
    }
}
