@testable import KdumpBakeCore
import Testing

extension Drill {
    /// Seeded random consoles built from the patterns the timeline reads, control bytes and
    /// invalid UTF-8, fed in random chunks: whatever the guest sends, the timeline stays bounded,
    /// consistent and independent of how the bytes were chunked.
    @Suite("ConsoleTimeline, random consoles")
    struct ConsoleTimelineRandomTests {
        /// SplitMix64: deterministic, so a failure names a seed that reproduces it.
        struct Random {
            var state: UInt64
            mutating func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        }

        static let fragments: [[UInt8]] = [
            "Linux version 6.1", "Kernel command line: ro", " elfcorehdr=1K", "Reserving 1MB of memory for crashkernel",
            "crashkernel reservation failed", "kdumpbake-drill: armed", "kdumpbake-drill: not-armed: x", "kdumpbake-drill: crashing now",
            "Kernel panic - not syncing", "sysrq: Trigger a crash", "kdump-tools: saved vmcore in /var/crash", "failed to save vmcore",
            "reboot: Restarting system", "Rebooting in 5", "Welcome to ", "systemd[1]: ", " login: ", "[   12.345678] ", "[  OK  ] ",
            "\n", "\r", "\r\n", "\n\n", "\u{1B}[2J", "\u{9B}", "\u{0}",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0x80, 0x80]]

        static func console(_ random: inout Random) -> [UInt8] {
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
            var random = Random(state: seed)
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
