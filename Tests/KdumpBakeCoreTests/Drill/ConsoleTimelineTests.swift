@testable import KdumpBakeCore
import Testing

extension Drill {
    /// The serial console read into milestones: real-shaped transcripts, lines split anywhere,
    /// and a hostile guest.
    @Suite("ConsoleTimeline")
    struct ConsoleTimelineTests {
        typealias T = DrillTranscripts

        @Test func successfulDrillShowsEveryMilestoneInOrder() {
            let timeline = T.timeline(T.withDump)
            #expect(timeline.entries.map(\.milestone) == DrillMilestone.expectedWithDump)
            #expect(timeline.entry(.kernelStarted)?.detail == T.banner)
            #expect(timeline.entry(.crashKernelReserved)?.detail == "Reserving 256MB of memory at 1776MB for crashkernel (System RAM: 2047MB)")
            #expect(timeline.entry(.dumpWritten)?.detail == "kdump-tools[250]:  * kdump-tools: saved vmcore in /var/crash/202411281200")
            #expect(timeline.entry(.reboot)?.detail == "reboot: Restarting system")
            #expect(timeline.entry(.secondBootUserspace)?.detail?.hasPrefix("systemd[1]: ") == true)
            // Elapsed times are the times the lines arrived (one per second here).
            let firstBoot = T.firstBoot().count
            #expect(timeline.entry(.kdumpArmed)?.elapsedSeconds == Double(firstBoot + 3))
            #expect(timeline.entry(.panic)?.elapsedSeconds == Double(firstBoot + 5))
            #expect(timeline.currentPhase == .secondBoot)
            #expect(timeline.expiredPhase(at: 1e9, limits: .tcg) == nil)
        }

        @Test func eachFeedReturnsOnlyItsNewMilestones() {
            var timeline = ConsoleTimeline(mode: .immediately)
            #expect(timeline.feed(Array("[    0.000000] \(T.banner)\n".utf8), at: 1).map(\.milestone) == [.kernelStarted])
            #expect(timeline.feed(Array("[    0.000001] \(T.banner)\n".utf8), at: 2).isEmpty)
            #expect(timeline.feed(Array("kdumpbake-drill: armed\nkdumpbake-drill: crashing now\n".utf8), at: 3).map(\.milestone) == [.kdumpArmed, .triggerFired])
            #expect(timeline.entries.count == 3)
        }

        @Test func panicRebootWithoutKdumpIsTheSecondBootWithoutCaptureKernel() {
            let timeline = T.timeline(T.panicReboot, mode: .immediately)
            #expect(timeline.entries.map(\.milestone) == [.kernelStarted, .crashKernelReserved, .triggerFired, .panic, .reboot, .secondBootKernel, .secondBootUserspace])
            #expect(timeline.entry(.reboot)?.detail == "Rebooting in 5 seconds..")
        }

        @Test func panicsLastLineMeansTheKernelHalted() {
            let timeline = T.timeline(T.panicHalt, mode: .immediately)
            #expect(timeline.haltedAfterPanic)
            #expect(timeline.entries.map(\.milestone) == [.kernelStarted, .crashKernelReserved, .triggerFired, .panic])
            // The same line before the drill's panic (a guest printing it) halts nothing.
            let early = T.timeline(T.firstBoot() + ["---[ end Kernel panic - not syncing: fake ]---"], mode: .immediately)
            #expect(!early.haltedAfterPanic)
            #expect(!T.timeline(T.panicReboot, mode: .immediately).haltedAfterPanic)
        }

        @Test func captureInitrdWithoutTheDiskDriverIsADumpFailure() {
            let timeline = T.timeline(T.captureWithoutDisk)
            #expect(timeline.entries.map(\.milestone) == [.kernelStarted, .crashKernelReserved, .kdumpArmed, .triggerFired, .panic,
                                                          .captureKernelStarted, .dumpFailed, .reboot, .secondBootKernel, .secondBootUserspace])
            #expect(timeline.entry(.dumpFailed)?.detail == "Gave up waiting for root file system device.  Common problems:")
        }

        @Test func el7PanicShowsOnlySysrqsLine() {
            // 3.10 crashes through an oops with panic_on_oops set: kexec runs before panic() prints.
            let lines = ["[    0.000000] Linux version 3.10.0-1160.el7.x86_64", "[   30.0] kdumpbake-drill: armed",
                         "[   30.1] kdumpbake-drill: crashing now", "[   30.2] SysRq : Trigger a crash",
                         "[    0.000000] Linux version 3.10.0-1160.el7.x86_64",
                         "[    0.000000] Kernel command line: ro console=ttyS0,115200 irqpoll nr_cpus=1 reset_devices elfcorehdr=867700K",
                         "[   12.0] kdump: saving vmcore complete", "[   13.0] Restarting system."]
            let timeline = T.timeline(lines)
            #expect(timeline.entries.map(\.milestone) == [.kernelStarted, .kdumpArmed, .triggerFired, .panic, .captureKernelStarted, .dumpWritten, .reboot])
        }

        @Test func notArmedMarkerCarriesTheReason() {
            let lines = T.firstBoot(reserved: false) + [
                "[  300.5] kdumpbake-drill: not-armed: no crashkernel= on the kernel command line (/proc/cmdline): no memory is reserved for a capture kernel",
                "[  301.0] reboot: Power down",
            ]
            let timeline = T.timeline(lines)
            #expect(timeline.entries.map(\.milestone) == [.kernelStarted, .kdumpNotArmed])
            #expect(timeline.entry(.kdumpNotArmed)?.detail == "no crashkernel= on the kernel command line (/proc/cmdline): no memory is reserved for a capture kernel")
            #expect(!timeline.reached(.kdumpArmed))
        }

        @Test func reservationFailureIsSeen() {
            let lines = ["[    0.0] \(T.banner)", "[    0.006] crashkernel reservation failed - No suitable area found."]
            #expect(T.timeline(lines).entry(.crashKernelNotReserved)?.detail == "crashkernel reservation failed - No suitable area found.")
            #expect(T.timeline(["[    0.0] crashkernel: Memory value expected"]).reached(.crashKernelNotReserved))
            #expect(T.timeline(["crashkernel reserved: 0x000000006b000000 - 0x000000007b000000 (256 MB)"]).reached(.crashKernelReserved))
        }

        @Test func panicBeforeTheTriggerIsNotTheDrillsPanic() {
            let lines = ["[    0.0] \(T.banner)", "[    3.1] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
                         "[    3.2] Rebooting in 10 seconds..", "[    0.0] Kernel command line: ro elfcorehdr=1K"]
            let timeline = T.timeline(lines)
            #expect(timeline.entries.map(\.milestone) == [.kernelStarted])
            #expect(timeline.currentPhase == .arming)
        }

        @Test func captureKernelPanicIsDumpFailure() {
            let lines = T.firstBoot() + T.armAndCrash + Array(T.capture.prefix(4)) + [
                "[    3.0] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
                "[    3.1] Rebooting in 10 seconds..",
            ] + T.secondBoot
            let timeline = T.timeline(lines)
            #expect(timeline.reached(.dumpFailed))
            #expect(!timeline.reached(.dumpWritten))
            #expect(timeline.entry(.reboot)?.detail == "Rebooting in 10 seconds..")
            #expect(timeline.reached(.secondBootUserspace))
        }

        // MARK: lines split anywhere

        /// The small transcript every split test feeds: a boot, the markers, the panic, the
        /// capture kernel and the second boot, in as few bytes as possible.
        static let small = [
            "[    0.000000] Linux version 6.1.0-27-amd64",
            "[    0.006512] Reserving 256MB of memory at 1776MB for crashkernel (System RAM: 2047MB)",
            "[   62.003114] kdumpbake-drill: armed", "[   62.101998] kdumpbake-drill: crashing now",
            "[   62.318412] Kernel panic - not syncing: sysrq triggered crash",
            "[    0.000000] Linux version 6.1.0-27-amd64", "[    0.012000] Kernel command line: ro elfcorehdr=1833468K",
            "kdump-tools: saved vmcore in /var/crash/1", "[  134.000000] reboot: Restarting system",
            "[    0.000000] Linux version 6.1.0-27-amd64", "[    0.041807] Kernel command line: ro crashkernel=256M",
            "Welcome to Debian GNU/Linux 12 (bookworm)!",
        ]

        static func milestonesAndDetails(_ timeline: ConsoleTimeline) -> [String] {
            timeline.entries.map { "\($0.milestone.rawValue) \($0.detail ?? "")" }
        }

        @Test("a split at every offset reads the same", arguments: ["\n", "\r\n", "\r"])
        func splitAtEveryOffset(lineEnd: String) {
            let bytes = T.bytes(Self.small, lineEnd: lineEnd)
            var whole = ConsoleTimeline(mode: .afterKdumpArms(waitSeconds: 5))
            _ = whole.feed(bytes, at: 0)
            #expect(whole.entries.map(\.milestone) == DrillMilestone.expectedWithDump)
            let expected = Self.milestonesAndDetails(whole)
            for offset in 0...bytes.count {
                var split = ConsoleTimeline(mode: .afterKdumpArms(waitSeconds: 5))
                let first = split.feed(bytes[..<offset], at: 0)
                let second = split.feed(bytes[offset...], at: 0)
                #expect(Self.milestonesAndDetails(split) == expected, "split at \(offset)")
                #expect((first + second).map(\.milestone) == whole.entries.map(\.milestone))
                #expect(split.lastLines == whole.lastLines, "split at \(offset)")
            }
            var byteByByte = ConsoleTimeline(mode: .afterKdumpArms(waitSeconds: 5))
            for byte in bytes { _ = byteByByte.feed([byte], at: 0) }
            #expect(Self.milestonesAndDetails(byteByByte) == expected)
        }

        @Test func crlfEndsOneLineAndBlankLinesAreNotKept() {
            var timeline = ConsoleTimeline(mode: .immediately)
            _ = timeline.feed(Array("one\r\n\r\ntwo\n\nthree\r".utf8), at: 0)
            _ = timeline.feed(Array("\nfour".utf8), at: 0)
            #expect(timeline.lastLines == ["one", "two", "three", "four"])
        }

        @Test func aLastLineWithoutNewlineCountsWhenFinished() {
            var timeline = ConsoleTimeline(mode: .immediately)
            _ = timeline.feed(Array("[ 1.0] Linux version 6.1\nkdumpbake-drill: crashing now".utf8), at: 1)
            #expect(!timeline.reached(.triggerFired))
            #expect(timeline.lastLines.last == "kdumpbake-drill: crashing now")
            #expect(timeline.finish(at: 2).map(\.milestone) == [.triggerFired])
            #expect(timeline.finish(at: 3).isEmpty)
        }

        @Test func timestampsAreStrippedOnlyWhenTheyAreTimestamps() {
            func stripped(_ text: String) -> String {
                String(decoding: ConsoleLines.strippingTimestamp(Array(text.utf8)[...]), as: UTF8.self)
            }
            #expect(stripped("[   12.345678] Linux version 6.1") == "Linux version 6.1")
            #expect(stripped("[12.3]x") == "x")
            #expect(stripped("[  OK  ] Started kdump-tools.service") == "[  OK  ] Started kdump-tools.service")
            #expect(stripped("[ 12] x") == "[ 12] x")
            #expect(stripped("[ 12.] x") == "[ 12.] x")
            #expect(stripped("[") == "[")
        }

        @Test func lastLinesKeepsTheLastFortyWithTheLinePending() {
            var timeline = ConsoleTimeline(mode: .immediately)
            _ = timeline.feed(Array((1...100).map { "line \($0)\n" }.joined().utf8) + Array("partial".utf8), at: 0)
            #expect(timeline.lastLines.count == ConsoleTimeline.tailLineCount)
            #expect(timeline.lastLines.first == "line 62")
            #expect(timeline.lastLines.last == "partial")
        }

        // MARK: a hostile guest

        @Test func controlBytesAndInvalidUTF8StayBoundedAndExact() {
            var timeline = ConsoleTimeline(mode: .immediately)
            let hostile: [UInt8] = Array("\u{1B}]0;pwned\u{07}\u{1B}[2J\u{0}\u{0}kdumpbake-drill: armed\u{9B}31m".utf8) + [0xFF, 0xFE, 0x0A]
            _ = timeline.feed(hostile, at: 4)
            #expect(timeline.reached(.kdumpArmed))  // a fake marker gives a milestone, nothing worse
            #expect(timeline.lastLines == ["\u{1B}]0;pwned\u{07}\u{1B}[2J\u{0}\u{0}kdumpbake-drill: armed\u{9B}31m\u{FFFD}\u{FFFD}"])
            // 512 invalid bytes decode to 512 replacement characters (1,536 bytes): cut to 512 bytes.
            _ = timeline.feed([UInt8](repeating: 0xFF, count: 2_000) + [0x0A], at: 5)
            #expect(timeline.lastLines.last?.utf8.count ?? 0 <= ConsoleTimeline.maximumLineBytes)
            #expect(timeline.lastLines.last?.unicodeScalars.allSatisfy { $0 == "\u{FFFD}" } == true)
        }

        @Test func aTenMegabyteLineIsCutNotBuffered() {
            var timeline = ConsoleTimeline(mode: .afterKdumpArms(waitSeconds: 1))
            let chunk = [UInt8](repeating: UInt8(ascii: "A"), count: 1 << 16)
            for _ in 0..<160 { _ = timeline.feed(chunk, at: 1) }  // 10 MiB without a line end
            #expect(timeline.lastLines == [String(repeating: "A", count: ConsoleTimeline.maximumLineBytes)])
            // A marker beyond the bound is cut off with the rest of the line; the next line is read.
            _ = timeline.feed(Array("kdumpbake-drill: armed\n[ 2.0] kdumpbake-drill: crashing now\n".utf8), at: 2)
            #expect(!timeline.reached(.kdumpArmed))
            #expect(timeline.entries.map(\.milestone) == [.triggerFired])
            #expect(timeline.lastLines.allSatisfy { $0.utf8.count <= ConsoleTimeline.maximumLineBytes })

            var oneChunk = ConsoleTimeline(mode: .immediately)
            _ = oneChunk.feed([UInt8](repeating: 0x00, count: 10 << 20) + Array("\nLinux version 6.1\n".utf8), at: 3)
            #expect(oneChunk.reached(.kernelStarted))
            #expect(oneChunk.lastLines.map(\.utf8.count) == [ConsoleTimeline.maximumLineBytes, "Linux version 6.1".utf8.count])
        }

        @Test func fakeMarkersInTheCaptureKernelChangeNothingTheyCannot() {
            let fakes = [
                "kdumpbake-drill: not-armed: fake", "kdumpbake-drill: armed", "kdumpbake-drill: crashing now",
                "sysrq: Trigger a crash", "Reserving 1MB of memory at 1MB for crashkernel", "Welcome to Nowhere!",
                "systemd[1]: started", "fake login: ", "Kernel command line: elfcorehdr=1K",
            ]
            let lines = T.firstBoot() + T.armAndCrash + Array(T.capture.prefix(3)) + fakes
            let timeline = T.timeline(lines)
            #expect(timeline.entries.map(\.milestone) == [.kernelStarted, .crashKernelReserved, .kdumpArmed, .triggerFired, .panic, .captureKernelStarted])
            #expect(timeline.currentPhase == .dumping)
        }

        @Test func milestonesAreRecordedOnce() {
            let lines = T.withDump + T.withDump + T.panicReboot
            let timeline = T.timeline(lines)
            #expect(timeline.entries.map(\.milestone) == DrillMilestone.expectedWithDump)
            #expect(Set(timeline.entries.map(\.milestone)).count == timeline.entries.count)
        }
    }
}
