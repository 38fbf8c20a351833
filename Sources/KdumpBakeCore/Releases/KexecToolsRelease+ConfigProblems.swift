/// The problems this release's own tools would have with a kdump.conf, each in the words the
/// tool prints (quoted) and what follows for the user.
extension KexecToolsRelease {
    /// Problems in file order, each starting with `line N:`. A non-empty result means the kdump
    /// service will not arm (el7+), or mkdumprd will not build an initrd (el6), or a setting
    /// silently does nothing (el6 `options` lines mkdumprd never sees).
    public func configProblems(_ text: String) -> [String] {
        configProblems(readKdumpConf(text))
    }

    /// The same for a file already read with `readKdumpConf`.
    public func configProblems(_ conf: KdumpConf) -> [String] {
        var problems: [String] = []
        switch family {
        case .el6: el6Problems(conf, &problems)
        case .el7, .el8, .kdumpTools, .sles: kdumpctlProblems(conf, &problems)
        }
        for directive in conf.directives { problems += runTogether(directive) }
        return problems
    }

    private func el6Problems(_ conf: KdumpConf, _ problems: inout [String]) {
        let accepted = acceptedDirectives
        for directive in conf.directives {
            let name = directive.name
            if !accepted.contains(name) && !Self.isEl6FilesystemTarget(name) {
                problems.append("line \(directive.line): mkdumprd stops with \"Unknown parameter  \(Finding.excerpt(name))\" (exit 1), so no kdump initrd is built")
                continue
            }
            if name == "options" {
                problems += el6OptionsProblems(directive)
            } else if commentRule == .wholeLinesOnly, directive.arguments.contains("#") {
                problems.append("line \(directive.line): kexec-tools before 2.0.0-269 (≈6.5) does not strip trailing comments: \(name) gets '\(Finding.excerpt(directive.arguments))'; move the comment to its own line")
            }
        }
    }

    /// el6 writes `options` into /init with a sed anchored at column 0 that accepts only spaces
    /// between words: anything else is silently ignored, and comments are never stripped.
    private func el6OptionsProblems(_ directive: KdumpConf.Directive) -> [String] {
        let raw = directive.raw
        var problems: [String] = []
        if !El6OptionsLine.isReadByMkdumprd(raw) {
            let why = raw.first == " " || raw.first == "\t"
                ? "is indented; mkdumprd only reads 'options' lines that start at column 0"
                : "separates words with a tab; mkdumprd only accepts spaces there"
            problems.append("line \(directive.line): this 'options' line \(why), so it is silently ignored")
        }
        if directive.arguments.contains("#") {
            problems.append("line \(directive.line): mkdumprd never strips comments from 'options' lines: '\(Finding.excerpt(directive.arguments))' would be passed to insmod")
        }
        if directive.words.count < 2 {
            problems.append("line \(directive.line): 'options' needs a module name and its options")
        }
        return problems
    }

    private func kdumpctlProblems(_ conf: KdumpConf, _ problems: inout [String]) {
        let accepted = acceptedDirectives
        let deprecated = deprecatedDirectives
        var targets: [KdumpConf.Directive] = []
        var seen: Set<String> = []
        for directive in conf.directives {
            let name = directive.name
            let line = "line \(directive.line):"
            if family == .el7, isEl7_5OrLater, directive.raw.first.map({ $0 == " " || $0 == "\t" }) == true {
                problems.append("\(line) kdumpctl stops with \"No whitespaces are allowed before a kdump option name in /etc/kdump.conf\" (kexec-tools 2.0.15-8, RHEL 7.5, and later el7)")
                continue
            }
            if deprecated.contains(name) {
                problems.append("\(line) kdumpctl stops with \"Deprecated kdump config option: \(Finding.excerpt(name)). Refer to kdump.conf manpage for alternatives.\" and kdump never arms")
                continue
            }
            guard accepted.contains(name) else {
                problems.append("\(line) kdumpctl stops with \"Invalid kdump config option \(Finding.excerpt(name))\" and kdump never arms")
                continue
            }
            if directive.arguments.isEmpty {
                let quoted = family == .el8 ? "'\(name)'" : name + "."
                problems.append("\(line) kdumpctl stops with \"Invalid kdump config value for option \(quoted)\"")
                continue
            }
            if family == .el8, !seen.insert(name).inserted, !Self.repeatable.contains(name) {
                problems.append("\(line) kdumpctl stops with \"Duplicated kdump config value of option \(name)\"")
            }
            if dumpTargetDirectives.contains(name) { targets.append(directive) }
            if name == "default" || name == "failure_action", let action = directive.words.first, !failureActions.contains(action) {
                problems.append("\(line) '\(name) \(Finding.excerpt(action))' is not an action kdumpctl knows (\(failureActions.sorted().joined(separator: ", "))); kdump does not start (kdumpbake's wording)")
            }
            if name == "dracut_args" { problems += commaSeparatedDrivers(directive) }
        }
        if targets.count > 1 {
            let lines = targets.map { String($0.line) }.joined(separator: ", ")
            problems.append("lines \(lines): kdumpctl stops with \"More than one dump targets specified\" (\(targets.map(\.name).joined(separator: ", "))); keep one")
        }
    }

    /// Directives kdumpctl lets repeat (they accumulate).
    static let repeatable: Set<String> = ["extra_bins", "extra_modules", "dracut_args", "fence_kdump_nodes"]

    /// dracut splits `--add-drivers` on blanks only: `"a,b"` is one module name that does not exist.
    private func commaSeparatedDrivers(_ directive: KdumpConf.Directive) -> [String] {
        directive.dracutAddDriverGroups().compactMap { group in
            guard group.contains(",") else { return nil }
            let fixed = group.split(separator: ",").joined(separator: " ")
            return "line \(directive.line): dracut splits --add-drivers on blanks only, so '\(Finding.excerpt(group))' asks for one module of that name and mkdumprd fails; write --add-drivers \"\(Finding.excerpt(fixed))\""
        }
    }

    /// Two directives run together, as in the seed's `options ata_piix prefer_ms_hyperv=0disk_timeout 100`:
    /// a word that ends with another directive's name glued to a value.
    private func runTogether(_ directive: KdumpConf.Directive) -> [String] {
        let names = acceptedDirectives.union(deprecatedDirectives).filter { $0.count >= 4 }
        for word in directive.words {
            guard let glued = names.first(where: { word.count > $0.count && word.hasSuffix($0) }) else { continue }
            let before = word.dropLast(glued.count)
            guard let last = before.last, last.isNumber || last == "=" || last == "\"" else { continue }
            let rest = directive.words.drop { $0 != word }.dropFirst().joined(separator: " ")
            return ["line \(directive.line): '\(Finding.excerpt(word))' runs two lines together: '\(glued)' starts a directive of its own, put '\(Finding.excerpt(glued + (rest.isEmpty ? "" : " " + rest)))' on its own line"]
        }
        return []
    }
}

/// el6 mkdumprd finds a module's options with a sed anchored at column 0 that accepts only
/// spaces between words (reference L3135).
enum El6OptionsLine {
    static func isReadByMkdumprd(_ raw: String) -> Bool {
        raw.hasPrefix("options ") && !raw.contains("\t")
    }
}
