@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the shell-like lexers: `ShellWords` (kdump.conf arguments, grub.cfg lines),
/// `ShellAssignments` (/etc/sysconfig/kdump, /etc/default/grub) and `KernelCommandLine`
/// (every command line from grub.conf, grub.cfg, BLS entries, grubenv and sysconfig).
///
/// Quoting is where lexers go wrong: an unterminated quote, a backslash at the very end, a
/// value spanning lines. The round trips quote arbitrary text (newlines, NULs, quotes, `$`)
/// the way a careful script would and demand it back exactly; the mutations demand that
/// hostile text yields words or nothing, never a trap.
@Suite("shell syntax")
struct ShellSyntaxFuzzTests {
    static let corpus = Corpus(
        seeds: [Seed("sysconfig/kdump", TextSeeds.sysconfigKdump), Seed("default/grub", TextSeeds.defaultGrub),
                Seed("kdump.conf", TextSeeds.kdumpConfEl7)] + TextSeeds.commandLines.enumerated().map { Seed("cmdline \($0.offset)", $0.element) },
        tokens: TextSeeds.shellTokens)

    /// `'…'` quoting with `'\''` for a quote keeps every scalar literal in POSIX shells.
    static func singleQuoted(_ word: String) -> String {
        "'" + word.unicodeScalars.map { $0 == "'" ? "'\\''" : String($0) }.joined() + "'"
    }

    /// `"…"` quoting: only `"`, `\`, `$` and backquote need a backslash.
    static func doubleQuoted(_ word: String) -> String {
        "\"" + word.unicodeScalars.map { ["\"", "\\", "$", "`"].contains($0) ? "\\" + String($0) : String($0) }.joined() + "\""
    }

    /// Quoted words joined by blanks split back into exactly those words, none flagged as expanded.
    @Test func shellWordsRoundTrip() async {
        let words = zip(TextGen.string(TextGen.anything, count: 0...10), Gen.bool).array(of: 0...8)
        await propertyCheck(count: FuzzBudget.cases(1000), input: words) { words in
            let text = words.map { $0.1 ? Self.singleQuoted($0.0) : Self.doubleQuoted($0.0) }.joined(separator: " \t ")
            let split = ShellWords.split(text)
            #expect(split.map { Array($0.text.unicodeScalars) } == words.map { Array($0.0.unicodeScalars) })
            #expect(split.allSatisfy { !$0.hasExpansion })
        }
    }

    /// Any text splits without trapping; words are never more than the non-blank scalars, and
    /// an expansion is only reported when the text has a `$` or a backquote.
    @Test func shellWordsOnHostileText() async {
        await propertyCheck(count: FuzzBudget.cases(800), input: Self.corpus.cases()) { fuzz in
            let text = fuzz.text
            let words = ShellWords.split(text)
            let nonBlank = text.unicodeScalars.filter { !Invariants.isBlank($0) && $0 != "\n" }.count
            #expect(words.count <= nonBlank)
            if !text.unicodeScalars.contains(where: { $0 == "$" || $0 == "`" }) {
                #expect(words.allSatisfy { !$0.hasExpansion })
            }
        }
    }

    /// Rendered `[export ]NAME=<quoted value>` statements, values spanning lines included, parse
    /// back to the same names, values and starting lines.
    @Test func shellAssignmentsRoundTrip() async {
        let statement = zip(TextGen.string(TextGen.identifier, count: 1...8), TextGen.string(TextGen.anything, count: 0...12),
                            Gen<UInt8>.value(in: 0...7))
        await propertyCheck(count: FuzzBudget.cases(1000), input: statement.array(of: 0...8)) { statements in
            var text = ""
            var line = 1
            var expected: [ShellAssignments.Assignment] = []
            for (rawName, value, style) in statements {
                // A shell name cannot start with a digit.
                let name = rawName.first!.isNumber ? "_" + rawName : rawName
                if style & 4 != 0 { text += "# comment 'with \"quotes\n"; line += 1 }
                text += (style & 2 != 0 ? "export " : "") + name + "="
                text += style & 1 != 0 ? Self.singleQuoted(value) : Self.doubleQuoted(value)
                text += "  # trailing\n"
                expected.append(.init(name: name, value: value, line: line, hasExpansion: false))
                line += 1 + value.unicodeScalars.filter { $0 == "\n" }.count
            }
            let parsed = ShellAssignments.parse(text)
            #expect(parsed.assignments.map(\.name) == expected.map(\.name))
            #expect(parsed.assignments.map { Array($0.value.unicodeScalars) } == expected.map { Array($0.value.unicodeScalars) })
            #expect(parsed.assignments.map(\.line) == expected.map(\.line))
            #expect(parsed.assignments.allSatisfy { !$0.hasExpansion })
        }
    }

    /// Hostile sysconfig files: names are shell identifiers found in the text, lines ascend.
    @Test func shellAssignmentsOnHostileText() async {
        await propertyCheck(count: FuzzBudget.cases(800), input: Self.corpus.cases()) { fuzz in
            let parsed = ShellAssignments.parse(bytes: fuzz.bytes)
            let lines = Invariants.physicalLines(fuzz.text)
            #expect(Invariants.isStrictlyIncreasing(parsed.assignments.map(\.line)))
            let misplaced = parsed.assignments.first { assignment in
                let scalars = Array(assignment.name.unicodeScalars)
                guard let first = scalars.first, !("0"..."9").contains(first), scalars.allSatisfy(TextGen.identifier.contains),
                      assignment.line >= 1, assignment.line <= lines.count else { return true }
                return !Invariants.contains(lines[assignment.line - 1], scalars + ["="])
            }
            #expect(misplaced == nil)
            #expect(parsed.effective.count <= parsed.assignments.count)
        }
    }

    /// A command line re-parses from its own description to the same thing; every parameter is
    /// text of the input, its key has no `=`, and derived lists hold no empty names.
    @Test func kernelCommandLineOnHostileText() async {
        await propertyCheck(count: FuzzBudget.cases(500), input: Self.corpus.cases()) { fuzz in
            let text = fuzz.text
            let line = KernelCommandLine(text)
            #expect(KernelCommandLine(line.description) == line)
            let scalars = Array(text.unicodeScalars)
            let stray = line.parameters.prefix(20).first { parameter in
                parameter.raw.isEmpty || !Invariants.contains(scalars, parameter.raw.unicodeScalars)
                    || parameter.key.unicodeScalars.contains("=")
                    || (parameter.value == nil) != !parameter.raw.unicodeScalars.contains("=")
            }
            #expect(stray == nil)
            if !line.initArguments.isEmpty { #expect(text.unicodeScalars.contains("-")) }
            #expect(line.driverBlacklist().allSatisfy { !$0.isEmpty && !$0.contains(",") })
            if let first = line.parameters.first {
                #expect(line.hasKey(first.key))
                #expect(line.contains(first.raw))
                _ = line.moduleParameter("ata_piix", "prefer_ms_hyperv")
            }
        }
    }

    /// Generated parameters, values with blanks quoted as GRUB quotes them, come back as
    /// written, and `--` hands the rest to init.
    @Test func kernelCommandLineRoundTrip() async {
        let parameter = zip(TextGen.string(TextGen.plainWord, count: 1...10),
                            TextGen.string(TextGen.scalars("ab09 =,.\t"), count: 0...10).optional)
        let initWords = TextGen.string(TextGen.plainWord, count: 1...6).array(of: 0...3)
        await propertyCheck(count: FuzzBudget.cases(1000), input: parameter.array(of: 0...8), initWords) { parameters, initArguments in
            // `--` alone would end the kernel's part early; this property writes it only once.
            let parameters = parameters.filter { $0.0 != "--" }
            let words = parameters.map { key, value in value.map { BootEntry.joinCommandLine([key + "=" + $0]) } ?? key }
            let text = (words + (initArguments.isEmpty ? [] : ["--"] + initArguments)).joined(separator: " ")
            let line = KernelCommandLine(text)
            #expect(line.parameters.map(\.key) == parameters.map(\.0))
            #expect(line.parameters.map(\.value) == parameters.map(\.1))
            #expect(line.initArguments == initArguments)
            for (key, value) in parameters {
                if let value { #expect(line.values(of: key).contains(value)) } else { #expect(line.hasKey(key)) }
            }
        }
    }
}
