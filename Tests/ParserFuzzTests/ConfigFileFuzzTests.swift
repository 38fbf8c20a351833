@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the line-oriented guest configuration parsers: kdump.conf, sysctl.conf/sysctl.d and
/// the line splitting they share (`ConfigText`).
///
/// These files are copied out of an untrusted guest image, and their parse decides what an
/// audit reports and what a patch rewrites, so hostile or merely odd bytes (NULs, invalid
/// UTF-8, CRLF, megabyte lines) must never trap, and what the parser reports must really be in
/// the file. Mutations start from stock-looking files; round trips start from generated ones.
@Suite("config files")
struct ConfigFileFuzzTests {
    static let corpus = Corpus(
        seeds: [Seed("kdump.conf el7", TextSeeds.kdumpConfEl7), Seed("kdump.conf el6", TextSeeds.kdumpConfEl6),
                Seed("sysctl.conf", TextSeeds.sysctlEl6), Seed("sysctl.d", TextSeeds.sysctlD)],
        tokens: TextSeeds.shellTokens + TextSeeds.sysctlTokens)

    /// Lines are numbered 1, 2, 3… and give back the text once joined, with exactly the CR of
    /// each CRLF (and a final lone CR) dropped.
    @Test func configTextLinesRebuildTheText() async {
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.corpus.cases()) { fuzz in
            let text = fuzz.text
            let lines = ConfigText.lines(text)
            #expect(lines.map(\.number) == Array(0..<lines.count).map { $0 + 1 })
            var expected: [Unicode.Scalar] = []
            for scalar in text.unicodeScalars {
                if scalar == "\n", expected.last == "\r" { expected.removeLast() }
                expected.append(scalar)
            }
            if expected.last == "\r" { expected.removeLast() }
            var rebuilt = Array(lines.map(\.scalars).joined(separator: ["\n"]))
            if expected.last == "\n" { rebuilt.append("\n") }
            #expect(rebuilt == expected)
        }
    }

    /// Directives come in line order, with a name and trimmed arguments found on their own line.
    @Test func kdumpConfDirectivesAreOnTheirLines() async {
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.corpus.cases()) { fuzz in
            let conf = KdumpConf.parse(bytes: fuzz.bytes)
            let lines = Invariants.physicalLines(fuzz.text)
            #expect(Invariants.isStrictlyIncreasing(conf.directives.map(\.line)))
            let misplaced = conf.directives.first { directive in
                guard !directive.name.isEmpty, !directive.name.hasPrefix("#"),
                      !directive.name.unicodeScalars.contains(where: Invariants.isBlank),
                      Invariants.isTrimmed(directive.arguments),
                      directive.line >= 1, directive.line <= lines.count else { return true }
                let line = lines[directive.line - 1]
                return !Invariants.contains(line, directive.name.unicodeScalars)
                    || !Invariants.contains(line, directive.arguments.unicodeScalars)
            }
            #expect(misplaced == nil)
            // Every release reads the same bytes without trapping, and names the line of each problem.
            for (family, version) in [(KdumpFamily.el6, DistroVersion(6, 4)), (.el6, DistroVersion(6, 10)), (.el7, DistroVersion(7, 4)),
                                      (.el7, DistroVersion(7, 6)), (.el7, DistroVersion(7, 9)), (.el8, DistroVersion(9, 2))] {
                let release = KexecToolsRelease.resolve(family: family, distroVersion: version, package: nil)
                #expect(release.configProblems(fuzz.text).allSatisfy { $0.hasPrefix("line") })
                #expect(release.readKdumpConf(fuzz.text).directives.count <= lines.count)
            }
            // Drivers come out of dracut_args words, split on blanks only (as dracut splits them).
            let dracutWords = conf.all("dracut_args").flatMap(\.words).map { Array($0.unicodeScalars) }
            let strayDriver = conf.dracutAddDrivers().first { driver in
                driver.isEmpty || driver.unicodeScalars.contains { Invariants.isBlank($0) || $0 == "\n" }
                    || !dracutWords.contains { Invariants.contains($0, driver.unicodeScalars) }
            }
            #expect(strayDriver == nil)
        }
    }

    /// Rendered directives (blank- or tab-separated, with comments, blank lines and trailing
    /// comments around them) parse back to the same names, words and line numbers.
    @Test func kdumpConfRoundTrip() async {
        let names = ["path", "core_collector", "extra_modules", "blacklist", "dracut_args", "default", "x_unknown"]
        let directive = zip(Gen<Int>.value(in: 0...names.count - 1),
                            TextGen.string(TextGen.plainWord, count: 1...12).array(of: 0...5),
                            Gen<UInt8>.value(in: 0...7))
        await propertyCheck(count: FuzzBudget.cases(600), input: directive.array(of: 0...12)) { directives in
            var text = ""
            var line = 0
            var expected: [(name: String, words: [String], arguments: String, line: Int)] = []
            for (nameIndex, words, style) in directives {
                if style & 1 != 0 { text += "# a comment line\n"; line += 1 }
                if style & 2 != 0 { text += "   \t\n"; line += 1 }
                let separator = style & 4 != 0 ? "\t" : " "
                text += ([names[nameIndex]] + words).joined(separator: separator)
                text += style == 7 ? "   # trailing comment\n" : "\n"
                line += 1
                expected.append((names[nameIndex], words, words.joined(separator: separator), line))
            }
            let conf = KdumpConf.parse(text)
            #expect(conf.directives.map(\.name) == expected.map(\.name))
            #expect(conf.directives.map(\.words) == expected.map(\.words))
            #expect(conf.directives.map(\.line) == expected.map(\.line))
            #expect(conf.directives.map(\.arguments) == expected.map(\.arguments))
        }
    }

    /// Assignments have a non-empty, already normalised key and a trimmed single-line value
    /// found on the line they name.
    @Test func sysctlAssignmentsAreOnTheirLines() async {
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.corpus.cases()) { fuzz in
            let assignments = SysctlConf.parse(bytes: fuzz.bytes, file: "/etc/sysctl.d/99-fuzz.conf")
            let lines = Invariants.physicalLines(fuzz.text)
            #expect(Invariants.isStrictlyIncreasing(assignments.map(\.line)))
            let misplaced = assignments.first { assignment in
                guard assignment.file == "/etc/sysctl.d/99-fuzz.conf",
                      !assignment.key.isEmpty, Invariants.isTrimmed(assignment.key),
                      SysctlConf.normalizedKey(assignment.key) == assignment.key,
                      Invariants.isTrimmed(assignment.value), !assignment.value.unicodeScalars.contains("\n"),
                      assignment.line >= 1, assignment.line <= lines.count else { return true }
                return !Invariants.contains(lines[assignment.line - 1], assignment.value.unicodeScalars)
            }
            #expect(misplaced == nil)
        }
    }

    /// Keys written in dotted or path form, with any spacing and an optional `-`, parse back to
    /// the dotted key and the value as written.
    @Test func sysctlRoundTrip() async {
        let segment = TextGen.string(TextGen.scalars("abcz09_."), count: 1...8)
        let assignment = zip(segment.array(of: 1...5), TextGen.string(TextGen.scalars("abz09 ,.#=:/-"), count: 0...16),
                             Gen<UInt8>.value(in: 0...15))
        await propertyCheck(count: FuzzBudget.cases(600), input: assignment.array(of: 0...10)) { assignments in
            var text = ""
            var expected: [(key: String, value: String)] = []
            for (segments, rawValue, style) in assignments {
                let pathForm = style & 1 != 0
                // In path form `.` inside a segment is part of a name (eth0.100) and reads back as `/`.
                let dottedSegments = pathForm ? segments.map { String($0.map { $0 == "." ? "/" : $0 }) } : segments
                let written = segments.joined(separator: pathForm ? "/" : ".")
                let value = Invariants.trimmed(rawValue)
                text += (style & 2 != 0 ? "-" : "") + written + (style & 4 != 0 ? " = " : "=") + value
                text += style & 8 != 0 ? "\r\n" : "\n"
                // Only a key whose first separator is `/` is in path form; the rest read as written.
                let firstSeparator = written.first { $0 == "." || $0 == "/" }
                let key = firstSeparator == "/" ? dottedSegments.joined(separator: ".") : written
                expected.append((key, value))
            }
            let parsed = SysctlConf.parse(text, file: "f")
            #expect(parsed.map(\.key) == expected.map(\.key))
            #expect(parsed.map(\.value) == expected.map(\.value))
            #expect(parsed.map(\.line) == Array(0..<expected.count).map { $0 + 1 })
        }
    }
}

extension ConfigFileFuzzTests {
    /// Which sysctl files apply, from any guest paths (doubled slashes, relative, hidden, not
    /// `.conf`): only unmasked given files, one per name, and the effective value is one that
    /// an applied file really sets.
    @Test func sysctlPrecedenceOnAnyPaths() async {
        let directories = ["/etc/sysctl.d", "/run/sysctl.d/", "//usr/lib//sysctl.d", "/lib/sysctl.d", "/etc", "", "etc/sysctl.d", "/usr/local/lib/sysctl.d"]
        let source = zip(Gen<Int>.value(in: 0...directories.count - 1), TextGen.string(TextGen.scalars("ab9.-_conf/"), count: 0...12),
                         Gen.bool, TextGen.string(TextGen.scalars("kernel.panic =59\n#-/"), count: 0...30).optional)
            .map { parts in
                SysctlSource(path: directories[parts.0] + "/" + (parts.1.isEmpty ? "sysctl.conf" : parts.1), contents: parts.3, isMasked: parts.2)
            }
        await propertyCheck(count: FuzzBudget.cases(800), input: source.array(of: 0...8)) { sources in
            for family in KdumpFamily.allCases {
                Self.checkPrecedence(sources, family: family, applier: .systemdSysctl)
                Self.checkPrecedence(sources, family: family, applier: .procpsSystem)
            }
        }
    }

    static func checkPrecedence(_ sources: [SysctlSource], family: KdumpFamily, applier: SysctlPrecedence.Applier) {
        let applied = SysctlPrecedence.orderedFiles(sources, family: family, applier: applier)
        #expect(applied.allSatisfy { !$0.isMasked && sources.contains($0) })
        let names = applied.map { SysctlPrecedence.normalizedPath($0.path) }.filter { $0 != SysctlPrecedence.sysctlConf }
            .map { $0.split(separator: "/").last.map(String.init) ?? "" }
        #expect(Set(names).count == names.count, "\(family) applies two files named alike: \(names)")
        guard let winner = SysctlPrecedence.effective("kernel/panic", in: sources, family: family, applier: applier) else { return }
        #expect(winner.key == "kernel.panic")
        let setters = applied.filter { $0.path == winner.file }.compactMap(\.contents).flatMap { SysctlConf.parse($0, file: "") }
        #expect(setters.contains { $0.key == winner.key && $0.value == winner.value })
    }
}

extension Invariants {
    /// `text` without leading and trailing blanks.
    static func trimmed(_ text: String) -> String {
        var view = Array(text.unicodeScalars)
        while let first = view.first, isBlank(first) { view.removeFirst() }
        while let last = view.last, isBlank(last) { view.removeLast() }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: view)
        return String(out)
    }
}
