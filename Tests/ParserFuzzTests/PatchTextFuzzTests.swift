@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the text editing that `patch` does to guest files: `ManagedBlock` (the marker block
/// kdumpbake owns in sysctl.conf, /etc/sysconfig/kdump and kdump.conf) and `UnifiedDiff` (the
/// dry run an administrator reviews).
///
/// The guest file may hold anything, including half a managed block, stray markers, CRLF
/// lines, invalid UTF-8 and an open quote. The edit must refuse or converge (applying it again
/// changes nothing), must keep every byte it does not own, and the diff shown must be exactly
/// the change written.
@Suite("patch text")
struct PatchTextFuzzTests {
    static let blocks: [ManagedBlock] = [
        ManagedBlock(lines: ["kernel.panic = 5", "kernel.panic_on_oops = 1"], keys: ["kernel.panic", "kernel.panic_on_oops"], syntax: .sysctl),
        ManagedBlock(lines: [#"KDUMP_COMMANDLINE_APPEND="irqpoll nr_cpus=1 reset_devices""#], keys: ["KDUMP_COMMANDLINE_APPEND", "KEXEC_ARGS"], syntax: .shell),
        ManagedBlock(lines: ["path /var/crash", "core_collector makedumpfile -l --message-level 1 -d 31"], keys: ["path", "core_collector"], syntax: .kdumpConf),
    ]

    static let corpus: Corpus = {
        let files = [Seed("sysctl.conf", TextSeeds.sysctlEl6), Seed("sysconfig/kdump", TextSeeds.sysconfigKdump),
                     Seed("kdump.conf", TextSeeds.kdumpConfEl7), Seed("sysctl.d CRLF", TextSeeds.sysctlD)]
        // The same files with a block already in them, so mutations damage real blocks.
        let applied = files.enumerated().compactMap { index, seed in
            (try? blocks[index % blocks.count].apply(to: seed.bytes)).map { Seed(seed.name + " + block", bytes: $0) }
        }
        return Corpus(seeds: files + applied, tokens: [
            ManagedBlock.beginMarker + "\n", ManagedBlock.endMarker + "\n", ManagedBlock.beginMarker, ManagedBlock.endMarker,
            ManagedBlock.supersededPrefix, "kernel.panic = 0\n", "kernel/panic=1\n", "KDUMP_COMMANDLINE_APPEND=\"a\n", "export KEXEC_ARGS=x\n",
            "path /x\n", " core_collector cp\n",
        ] + TextSeeds.shellTokens)
    }()

    /// Lines as `ByteLines` defines them, computed independently: content without the CR of a
    /// CRLF, and the terminator.
    static func lines(_ bytes: [UInt8]) -> [(content: [UInt8], terminator: [UInt8])] {
        UnifiedDiffApplier.lines(bytes).map { line in
            guard line.last == UInt8(ascii: "\n") else { return (line, []) }
            let crlf = line.count >= 2 && line[line.count - 2] == UInt8(ascii: "\r")
            return (Array(line.dropLast(crlf ? 2 : 1)), crlf ? [0x0D, 0x0A] : [0x0A])
        }
    }

    /// `apply` refuses exactly when a BEGIN marker has no END after it. Otherwise the result
    /// holds the block once (one BEGIN, its lines, the next END), applying again changes
    /// nothing, and every other line is the original's, verbatim or behind the "superseded"
    /// prefix.
    @Test func managedBlockConvergesAndKeepsTheRest() async {
        await propertyCheck(count: FuzzBudget.cases(600), input: Self.corpus.cases(), Gen<Int>.value(in: 0...Self.blocks.count - 1)) { fuzz, choice in
            let block = Self.blocks[choice]
            let begin = Array(ManagedBlock.beginMarker.utf8), end = Array(ManagedBlock.endMarker.utf8)
            let original = Self.lines(fuzz.bytes)
            let lastBegin = original.lastIndex { $0.content == begin } ?? -1
            let lastEnd = original.lastIndex { $0.content == end } ?? -1
            let result: [UInt8]
            do {
                result = try block.apply(to: fuzz.bytes)
            } catch let error as ManagedBlockError {
                // Every BEGIN after the last END is unterminated; the scan meets the first of them.
                let unterminated = original.indices.first { $0 > lastEnd && original[$0].content == begin }
                #expect(unterminated.map { ManagedBlockError.unterminatedBlock(line: $0 + 1) } == error, "refused: \(error)")
                return
            } catch {
                Issue.record("apply threw \(error), not a ManagedBlockError")
                return
            }
            #expect(lastBegin <= lastEnd, "a BEGIN without END was not refused")
            #expect((try? block.apply(to: result)) == result, "applying twice differs from applying once")
            #expect(block.isApplied(in: result))

            // One BEGIN, closed by the next END. A stray END of the user's (its BEGIN damaged) is
            // not a block: it stays where it was, like any other line.
            let edited = Self.lines(result)
            let begins = edited.indices.filter { edited[$0].content == begin }
            guard begins.count == 1, let first = begins.first,
                  let last = edited[(first + 1)...].firstIndex(where: { $0.content == end }) else {
                Issue.record("BEGIN markers at lines \(begins.map { $0 + 1 }), not one closed block")
                return
            }
            #expect(edited[(first + 1)..<last].map(\.content) == block.lines.map { Array($0.utf8) })

            // The original without its complete blocks, against the result without its one block.
            var kept: [(content: [UInt8], terminator: [UInt8])] = []
            var inBlock = false
            for (index, line) in original.enumerated() {
                if !inBlock, line.content == begin, original[(index + 1)...].contains(where: { $0.content == end }) { inBlock = true; continue }
                if inBlock { if line.content == end { inBlock = false }; continue }
                kept.append(line)
            }
            let rest = Array(edited[..<first]) + Array(edited[(last + 1)...])
            let prefix = Array(ManagedBlock.supersededPrefix.utf8)
            guard rest.count == kept.count else {
                Issue.record("\(kept.count) lines outside the block became \(rest.count)")
                return
            }
            let changed = zip(rest, kept).enumerated().first { index, pair in
                let now = pair.0.content + pair.0.terminator, was = pair.1.content + pair.1.terminator
                // Appending a block to a file without a final newline gives its last line one.
                let wasForms = index == kept.count - 1 && pair.1.terminator.isEmpty && lastBegin < 0
                    ? [was, was + [0x0A], was + [0x0D, 0x0A]] : [was]
                return !wasForms.contains { now == $0 || now == prefix + $0 }
            }
            #expect(changed == nil, "line \(changed.map { $0.offset + 1 } ?? 0) outside the block changed")
        }
    }

    /// The diff of any edit applies back: to a mutated file, or to what `ManagedBlock` makes
    /// of it. Empty exactly when nothing changed; headers and hunk counts check out.
    @Test func unifiedDiffTurnsOldIntoNew() async {
        await propertyCheck(count: FuzzBudget.cases(800), input: Self.corpus.cases(), Mutation.generator.array(of: 0...6), Gen.bool) {
            fuzz, edits, viaBlock in
            let old = fuzz.bytes
            var new = old
            if viaBlock, let applied = try? Self.blocks[0].apply(to: old) {
                new = applied
            } else {
                for edit in edits { edit.apply(to: &new, tokens: Self.corpus.tokens) }
            }
            let diff = UnifiedDiff.render(old: old, new: new, oldLabel: "a/file", newLabel: "b/file")
            #expect(diff.isEmpty == (old == new))
            guard !diff.isEmpty else { return }
            #expect(diff.hasPrefix("--- a/file\n+++ b/file\n@@ -"))
            guard String(validating: old, as: UTF8.self) != nil, String(validating: new, as: UTF8.self) != nil else { return }
            var applier = UnifiedDiffApplier()
            let patched = applier.apply(diff, to: old)
            #expect(applier.failure == nil)
            #expect(patched == new)
        }
    }
}
