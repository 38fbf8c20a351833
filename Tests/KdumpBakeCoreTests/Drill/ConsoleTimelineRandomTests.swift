@testable import KdumpBakeCore
import Testing

extension Drill {
    /// Seeded random consoles built from the patterns the timeline reads, control bytes and
    /// invalid UTF-8, fed in random chunks: whatever the guest sends, the timeline stays bounded,
    /// consistent and independent of how the bytes were chunked.
    @Suite("ConsoleTimeline, random consoles")
    struct ConsoleTimelineRandomTests {
        static let fragments: [[UInt8]] = [
            "Linux version 6.1", "Kernel command line: ro", " elfcorehdr=1K", "Reserving 1MB of memory for crashkernel",
            "crashkernel reservation failed", "kdumpbake-drill: armed", "kdumpbake-drill: not-armed: x", "kdumpbake-drill: crashing now",
            "Kernel panic - not syncing", "sysrq: Trigger a crash", "kdump-tools: saved vmcore in /var/crash", "failed to save vmcore",
            "reboot: Restarting system", "Rebooting in 5", "Welcome to ", "systemd[1]: ", " login: ", "[   12.345678] ", "[  OK  ] ",
            "\n", "\r", "\r\n", "\n\n", "\u{1B}[2J", "\u{9B}", "\u{0}",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0x80, 0x80]]

        static func console(_ random: inout SeededRandom) -> [UInt8] {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(250) {
                if random.below(20) == 0 {
                    bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: random.next()), count: random.below(1_500))
                } else {
                    bytes += fragments[random.below(fragments.count)]
                }
            }
            return bytes
        }

        static let rank: [DrillPhase: Int] = Dictionary(uniqueKeysWithValues: DrillPhase.allCases.enumerated().map { ($1, $0) })

        @Test("bounded, consistent, chunking-independent", arguments: 0..<32)
        func randomConsole(seed: UInt64) {
            var random = SeededRandom(seed: seed)
            let bytes = Self.console(&random)
            var whole = ConsoleTimeline(mode: .afterKdumpArms(waitSeconds: 10))
            _ = whole.feed(bytes, at: 0)

            var chunked = ConsoleTimeline(mode: .afterKdumpArms(waitSeconds: 10))
            var start = 0
            var phase = chunked.currentPhase
            var returned: [TimelineEntry] = []
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + random.below(300))
                returned += chunked.feed(bytes[start..<end], at: 0)
                #expect(Self.rank[chunked.currentPhase]! >= Self.rank[phase]!, "seed \(seed): the phase went back")
                phase = chunked.currentPhase
                start = end
            }
            #expect(chunked.entries == whole.entries, "seed \(seed)")
            #expect(returned == chunked.entries, "seed \(seed)")
            #expect(chunked.lastLines == whole.lastLines, "seed \(seed)")
            #expect(whole.lastLines.count <= ConsoleTimeline.tailLineCount)
            #expect(whole.lastLines.allSatisfy { !$0.isEmpty && $0.utf8.count <= ConsoleTimeline.maximumLineBytes })
            #expect(Set(whole.entries.map(\.milestone)).count == whole.entries.count, "seed \(seed): a milestone twice")
            #expect(whole.entries.allSatisfy { ($0.detail?.utf8.count ?? 0) <= ConsoleTimeline.maximumLineBytes })
            // Whatever the console said, the verdict needs the disk for a dump.
            let judged = DrillVerdict.judge(timeline: whole, end: .secondBootReached, evidence: nil)
            #expect(judged.verdict == .rebootedWithoutDump)
        }
    }
}
