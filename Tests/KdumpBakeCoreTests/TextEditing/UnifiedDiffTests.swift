import Foundation
import HostProcess
@testable import KdumpBakeCore
import Testing

extension PatchText {
    /// `UnifiedDiff` is checked against the real GNU `diff -u`, so "like diff" means exactly
    /// diff's bytes, not our reading of its manual.
    @Suite("UnifiedDiff")
    struct UnifiedDiffTests {
        /// One line per element: "1\n2\n…".
        static func numbered(_ range: ClosedRange<Int>, except changes: [Int: String?] = [:]) -> String {
            range.compactMap { n in changes.keys.contains(n) ? changes[n]!.map { "\($0)\n" } : "\(n)\n" }.joined()
        }

        /// GNU diff's output for the two files, labelled a/x and b/x.
        static func gnuDiff(_ old: [UInt8], _ new: [UInt8], context: Int) throws -> String {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("kdumpbake-difftest-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let (oldURL, newURL) = (directory.appendingPathComponent("old"), directory.appendingPathComponent("new"))
            try Data(old).write(to: oldURL)
            try Data(new).write(to: newURL)
            let diff = try ChildProcess("/usr/bin/diff", ["-U", "\(context)", "--label", "a/x", "--label", "b/x", oldURL.path, newURL.path],
                                        standardOutput: .captureAll, standardError: .inherit).run()
            #expect(diff.termination == .exited(old == new ? 0 : 1))
            return diff.standardOutputText
        }

        static let cases: [(name: String, old: String, new: String)] = [
            ("insert at start", numbered(1...10), "new\n" + numbered(1...10)),
            ("insert in middle", numbered(1...10), numbered(1...10, except: [5: "5\nnew"])),
            ("insert at end", numbered(1...10), numbered(1...10) + "new\n"),
            ("delete", numbered(1...10), numbered(1...10, except: [4: nil])),
            ("delete first and last", numbered(1...10), numbered(2...9)),
            ("change", numbered(1...10), numbered(1...10, except: [6: "six"])),
            ("change several lines", numbered(1...10), numbered(1...10, except: [3: "c", 4: "d", 5: nil])),
            ("empty to content", "", "a\nb\n"),
            ("content to empty", "a\nb\n", ""),
            ("empty to line without newline", "", "a"),
            ("old lacks final newline", "a\nb\nc", "a\nb\nc\n"),
            ("new lacks final newline", "a\nb\nc\n", "a\nb\nc"),
            ("both lack final newline, last line changed", "a\nb\nc", "a\nb\nd"),
            ("both lack final newline, middle changed", numbered(1...9) + "10", numbered(1...9, except: [2: "two"]) + "10"),
            ("hunks separated by 7 lines", numbered(1...20), numbered(1...20, except: [3: "x", 11: "y"])),
            ("hunks separated by 6 lines merge", numbered(1...20), numbered(1...20, except: [3: "x", 10: "y"])),
            ("adjacent changes merge", numbered(1...30), numbered(1...30, except: [5: "a", 7: nil, 9: "b\nc"])),
            ("three hunks", numbered(1...40), numbered(1...40, except: [2: nil, 20: "twenty", 39: "z"])),
            ("everything changed", "a\nb\nc\n", "x\ny\n"),
            ("crlf versus lf", "a\r\nb\r\nc\r\n", "a\r\nb\nc\r\n"),
            ("sysctl managed block appended", "# sysctl\nnet.ipv4.ip_forward = 0\nkernel.panic = 0\n",
             "# sysctl\nnet.ipv4.ip_forward = 0\n# kdumpbake: superseded by the managed block: kernel.panic = 0\n"
                + "# BEGIN kdumpbake managed block\nkernel.panic = 5\n# END kdumpbake managed block\n"),
        ]

        @Test("matches GNU diff -u", arguments: 0..<cases.count)
        func matchesGNU(index: Int) throws {
            let (name, old, new) = Self.cases[index]
            let ours = UnifiedDiff.render(old: bytes(old), new: bytes(new), oldLabel: "a/x", newLabel: "b/x")
            #expect(ours == (try Self.gnuDiff(bytes(old), bytes(new), context: 3)), "\(name)")
        }

        @Test("matches GNU diff with other context sizes", arguments: [0, 1, 5])
        func otherContexts(context: Int) throws {
            for (name, old, new) in Self.cases {
                let ours = UnifiedDiff.render(old: bytes(old), new: bytes(new), oldLabel: "a/x", newLabel: "b/x",
                                              context: context)
                #expect(ours == (try Self.gnuDiff(bytes(old), bytes(new), context: context)), "\(name), context \(context)")
            }
        }

        @Test func exactOutputForOneChange() {
            let diff = UnifiedDiff.render(old: bytes("a\nkernel.panic = 0\nb\n"), new: bytes("a\nkernel.panic = 5\nb\n"),
                                          oldLabel: "a/etc/sysctl.conf", newLabel: "b/etc/sysctl.conf")
            #expect(diff == """
            --- a/etc/sysctl.conf
            +++ b/etc/sysctl.conf
            @@ -1,3 +1,3 @@
             a
            -kernel.panic = 0
            +kernel.panic = 5
             b

            """)
        }

        @Test func emptyWhenEqual() {
            #expect(UnifiedDiff.render(old: [], new: [], oldLabel: "a", newLabel: "b") == "")
            #expect(UnifiedDiff.render(old: bytes("x\n"), new: bytes("x\n"), oldLabel: "a", newLabel: "b") == "")
        }

        @Test func invalidUTF8IsDisplayedAsReplacementButComparedAsBytes() {
            // 0xE9 and 0xFF decode to the same U+FFFD, yet the lines differ and must show as changed.
            let diff = UnifiedDiff.render(old: [0x61, 0xE9, 0x0A], new: [0x61, 0xFF, 0x0A], oldLabel: "a/x", newLabel: "b/x")
            #expect(diff == "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\u{FFFD}\n+a\u{FFFD}\n")
        }

        @Test func hostileInputFallsBackToReplaceAllQuickly() {
            // 30,000 distinct lines replaced by 30,000 others: edit distance 60,000 > the bound.
            let old = (0..<30_000).map { "old \($0)\n" }.joined()
            let new = (0..<30_000).map { "new \($0)\n" }.joined()
            let clock = ContinuousClock()
            var diff = ""
            let elapsed = clock.measure {
                diff = UnifiedDiff.render(old: bytes(old), new: bytes(new), oldLabel: "a/x", newLabel: "b/x")
            }
            #expect(diff.hasPrefix("--- a/x\n+++ b/x\n@@ -1,30000 +1,30000 @@\n-old 0\n"))
            #expect(diff.hasSuffix("+new 29999\n"))
            #expect(elapsed < .seconds(30))
        }

        @Test func fallbackStillProducesACorrectScript() {
            let old = [1, 2, 3, 4, 5, 6], new = [6, 5, 4, 3, 2, 1]
            #expect(LineDiff.edits(old: old, new: new, maxEditDistance: 2) == nil)
            #expect(LineDiff.edits(old: old, new: new, maxWork: 1) == nil)
            let script = LineDiff.edits(old: old, new: new)!
            #expect(script.filter { $0 == .equal }.count == 1)  // longest common subsequence has length 1
        }

        /// Randomised agreement with GNU diff on small alphabets, where many alignments are
        /// equally short: checks edit *size* (minimality) and that the script is valid.
        @Test func minimalOnRandomInputs() {
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<300 {
                let old = (0..<Int.random(in: 0...12, using: &generator)).map { _ in Int.random(in: 0...3, using: &generator) }
                let new = (0..<Int.random(in: 0...12, using: &generator)).map { _ in Int.random(in: 0...3, using: &generator) }
                let script = LineDiff.edits(old: old, new: new)!
                var (i, j, rebuilt) = (0, 0, [Int]())
                for edit in script {
                    switch edit {
                    case .equal: #expect(old[i] == new[j]); rebuilt.append(new[j]); i += 1; j += 1
                    case .delete: i += 1
                    case .insert: rebuilt.append(new[j]); j += 1
                    }
                }
                #expect(i == old.count && j == new.count && rebuilt == new)
                #expect(script.filter { $0 == .equal }.count == Self.lcsLength(old, new), "\(old) → \(new)")
            }
        }

        static func lcsLength(_ a: [Int], _ b: [Int]) -> Int {
            var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in a.indices { for j in b.indices {
                table[i + 1][j + 1] = a[i] == b[j] ? table[i][j] + 1 : max(table[i][j + 1], table[i + 1][j])
            } }
            return table[a.count][b.count]
        }
    }
}
