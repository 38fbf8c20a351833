@testable import KdumpBakeCore
import PropertyBased
import Testing

/// Fuzzes the boot loader parsers: legacy grub.conf (el6), grub2 grub.cfg (el7), BLS entries
/// and grubenv (el8), and the default-entry resolution built on them.
///
/// Which entry boots by default decides whether the audit sees crashkernel= at all, and a
/// `saved_entry` or `default` value is free text from the guest: `0>1>…` paths, titles,
/// `${…}` variables, numbers past `Int.max`. Resolution must land on a real entry or on nil,
/// never index out of range, and the menu structure must stay consistent however the braces
/// of grub.cfg are mangled.
@Suite("boot loaders")
struct BootLoaderFuzzTests {
    static let corpus = Corpus(
        seeds: [Seed("grub.conf", TextSeeds.grubLegacy), Seed("grub.cfg", TextSeeds.grub2),
                Seed("BLS entry", TextSeeds.blsEntry), Seed("grubenv", TextSeeds.grubEnv)],
        tokens: TextSeeds.grubTokens + TextSeeds.shellTokens)

    /// Entries are numbered in order, start on ascending lines, and the default is one of them.
    @Test func grubLegacyEntriesAndDefault() async {
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.corpus.cases(), Gen<Int>.value(in: -2...12)) { fuzz, saved in
            let conf = GrubLegacyConf.parse(bytes: fuzz.bytes)
            #expect(conf.entries.map(\.position) == conf.entries.indices.map { [$0] })
            #expect(Invariants.isStrictlyIncreasing(conf.entries.map(\.line)))
            let lines = Invariants.physicalLines(fuzz.text)
            let misplaced = conf.entries.first { entry in
                guard entry.line >= 1, entry.line <= lines.count,
                      entry.kernelVersion == entry.kernelPath.flatMap(BootEntry.version(fromKernelPath:)) else { return true }
                return !Invariants.contains(lines[entry.line - 1], entry.title.unicodeScalars)
            }
            #expect(misplaced == nil)
            for resolved in [conf.defaultEntry, conf.defaultEntry(savedIndex: saved)] {
                if let resolved { #expect(conf.entries.contains(resolved)) }
            }
            if case .index(let index) = conf.defaultSetting {
                #expect(conf.defaultEntry == (conf.entries.indices.contains(index) ? conf.entries[index] : nil))
            }
            _ = conf.defaultEntry?.commandLine.values(of: "crashkernel")
        }
    }

    /// grub.cfg: item addresses are unique, every entry is a non-submenu item, no item is nested
    /// deeper than the cap, and any `saved_entry` resolves to one of the entries or to nil.
    @Test func grub2MenuStructureAndDefault() async {
        let saved = TextGen.string(TextGen.scalars("0129>${}_ saved_entryCentOS'"), count: 0...12)
        await propertyCheck(count: FuzzBudget.cases(1000), input: Self.corpus.cases(), saved) { fuzz, savedEntry in
            let config = Grub2Config.parse(bytes: fuzz.bytes)
            #expect(Set(config.items.map(\.position)).count == config.items.count)
            #expect(config.entries.map(\.position) == config.items.filter { !$0.isSubmenu }.map(\.position))
            #expect(config.items.allSatisfy { !$0.position.isEmpty && $0.position.count <= Grub2Config.maxSubmenuDepth + 1 })
            #expect(Invariants.isStrictlyIncreasing(config.entries.map(\.line)))
            for env in [nil, GrubEnv(variables: ["saved_entry": savedEntry, "next_entry": savedEntry])] {
                if let entry = config.defaultEntry(env: env) { #expect(config.entries.contains(entry)) }
                _ = config.defaultCommandLine(env: env)
            }
        }
    }

    /// A generated menu of entries and submenus, rendered the way grub2-mkconfig writes it,
    /// parses back to the same titles and addresses, and `set default` by index path or by id
    /// path selects the intended entry.
    @Test func grub2RoundTrip() async {
        // Each item: depth change (-1 close a submenu, 0 stay, 1 open a submenu first), title, kernel args.
        let item = zip(Gen<Int>.value(in: -1...1), TextGen.string(TextGen.scalars("abc 09()._-"), count: 1...10),
                       TextGen.string(TextGen.plainWord, count: 1...8).array(of: 0...3))
        await propertyCheck(count: FuzzBudget.cases(600), input: item.array(of: 1...10), Gen<Int>.value(in: 0...20)) { items, pick in
            var text = "set default=\"${saved_entry}\"\n"
            var open: [(position: [Int], children: Int)] = []
            var topLevel = 0
            var expected: [(title: String, id: String, position: [Int], arguments: [String])] = []
            func nextPosition() -> [Int] {
                guard let innermost = open.last else { defer { topLevel += 1 }; return [topLevel] }
                open[open.count - 1].children += 1
                return innermost.position + [innermost.children]
            }
            for (number, (change, title, arguments)) in items.enumerated() {
                if change < 0, !open.isEmpty { open.removeLast(); text += "}\n" }
                if change > 0, open.count < 3 {
                    let position = nextPosition()
                    text += "submenu 'menu \(number)' --id 'sub\(number)' {\n"
                    open.append((position, 0))
                }
                let position = nextPosition()
                let id = "entry-\(number)"
                text += "menuentry '\(title)' --class centos $menuentry_id_option '\(id)' {\n"
                text += "\tlinux16 /vmlinuz-3.10.0-\(number).el7.x86_64 " + arguments.joined(separator: " ") + "\n"
                text += "\tinitrd16 /initramfs-\(number).img\n}\n"
                expected.append((title, id, position, arguments))
            }
            text += String(repeating: "}\n", count: open.count)
            let config = Grub2Config.parse(text)
            #expect(config.entries.map(\.title) == expected.map(\.title))
            #expect(config.entries.map(\.id) == expected.map(\.id))
            #expect(config.entries.map(\.position) == expected.map(\.position))
            #expect(config.entries.map(\.commandLineText) == expected.map { $0.arguments.joined(separator: " ") })
            let wanted = expected[pick % expected.count]
            let byIndex = wanted.position.map(String.init).joined(separator: ">")
            #expect(config.defaultEntry(env: GrubEnv(variables: ["saved_entry": byIndex]))?.id == wanted.id)
            let byID = config.items.filter { wanted.position.starts(with: $0.position) }
                .sorted { $0.position.count < $1.position.count }.compactMap(\.id).joined(separator: ">")
            #expect(config.defaultEntry(env: GrubEnv(variables: ["saved_entry": byID]))?.id == wanted.id)
        }
    }

    /// BLS entries: the id comes from the file name, accumulating keys accumulate, options
    /// expand against grubenv with unresolved names really named in the options, and the
    /// default entry is one of the entries.
    @Test func bootLoaderSpecEntries() async {
        await propertyCheck(count: FuzzBudget.cases(800), input: Self.corpus.cases(), Self.corpus.cases()) { entryCase, envCase in
            let entry = BootLoaderSpecEntry.parse(bytes: entryCase.bytes, fileName: "/boot/loader/entries/fuzz.conf")
            #expect(entry.id == "fuzz")
            let env = GrubEnv.parse(bytes: envCase.bytes)
            let (expanded, unresolved) = entry.expandedOptions(env: env)
            let optionScalars = Array(entry.options.unicodeScalars)
            #expect(unresolved.allSatisfy { Invariants.contains(optionScalars, $0.unicodeScalars) })
            if !entry.options.unicodeScalars.contains("$") { #expect(Array(expanded.unicodeScalars) == optionScalars) }
            let boot = entry.bootEntry(env: env, position: 3)
            #expect(boot.position == [3] && boot.kernelPath == entry.linux && boot.initrdPaths == entry.initrd)
            let other = BootLoaderSpecEntry.parse(bytes: envCase.bytes, fileName: "other")
            let entries = [entry, other, BootLoaderSpecEntry.parse(TextSeeds.blsEntry, fileName: "stock.conf")]
            let ordered = BootLoaderSpec.menuOrder(entries)
            #expect(ordered.count == entries.count && entries.allSatisfy(ordered.contains))
            if let chosen = BootLoaderSpec.defaultEntry(entries, env: env) { #expect(entries.contains(chosen)) }
        }
    }

    /// rpm-style version comparison is a consistent order on any text: reflexive, antisymmetric.
    @Test func versionComparisonIsConsistent() async {
        let version = TextGen.string(TextGen.scalars("0019az.-_~^+ \u{E9}"), count: 0...16)
        await propertyCheck(count: FuzzBudget.cases(2000), input: version, version) { a, b in
            #expect(BootLoaderSpec.compareVersions(a, a) == 0)
            #expect(BootLoaderSpec.compareVersions(a, b) == -BootLoaderSpec.compareVersions(b, a))
        }
    }

    /// grubenv: variables written with GRUB's escapes (`\\`, `\` newline) and padded with `#`
    /// to 1,024 bytes parse back exactly; a later duplicate wins.
    @Test func grubEnvRoundTrip() async {
        let variable = zip(TextGen.string(TextGen.identifier, count: 1...10), TextGen.string(TextGen.scalars("ab =\\\n\"'$#{}é\t"), count: 0...20))
        await propertyCheck(count: FuzzBudget.cases(1000), input: variable.array(of: 0...8)) { variables in
            var text = "# GRUB Environment Block\n"
            var expected: [String: [Unicode.Scalar]] = [:]
            for (name, value) in variables {
                let escaped = value.unicodeScalars.map { $0 == "\\" || $0 == "\n" ? "\\" + String($0) : String($0) }.joined()
                text += name + "=" + escaped + "\n"
                expected[name] = Array(value.unicodeScalars)
            }
            text += String(repeating: "#", count: max(0, 1024 - text.utf8.count))
            let env = GrubEnv.parse(text)
            #expect(env.variables.mapValues { Array($0.unicodeScalars) } == expected)
        }
    }

    /// Expansion of any text against any grubenv: text without `$` is unchanged, and every
    /// unresolved variable is named in the text.
    @Test func grubEnvExpansion() async {
        await propertyCheck(count: FuzzBudget.cases(800), input: Self.corpus.cases(), Self.corpus.cases(maxMutations: 3)) { textCase, envCase in
            let env = GrubEnv.parse(bytes: envCase.bytes)
            let text = textCase.text
            let (expanded, unresolved) = env.expand(text)
            let scalars = Array(text.unicodeScalars)
            if !scalars.contains("$") { #expect(Array(expanded.unicodeScalars) == scalars) }
            #expect(unresolved.allSatisfy { !$0.isEmpty && Invariants.contains(scalars, $0.unicodeScalars) })
        }
    }
}
