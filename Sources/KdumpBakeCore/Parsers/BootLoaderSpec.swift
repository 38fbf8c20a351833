/// One Boot Loader Specification entry, /boot/loader/entries/<id>.conf (el8).
///
/// On el8 the kernel command line is split: the entry's `options` usually just say
/// `$kernelopts` and the real parameters (crashkernel=) sit in grubenv. Reading an entry
/// without expanding that variable would report crashkernel= missing on every healthy el8 guest.
public struct BootLoaderSpecEntry: Sendable, Equatable {
    /// The file name without `.conf`: what grubenv's `saved_entry` names.
    public var id: String?
    public var title: String?
    public var version: String?
    public var linux: String?
    public var initrd: [String]
    /// All `options` lines joined with a space, unexpanded.
    public var options: String

    public init(id: String? = nil, title: String? = nil, version: String? = nil, linux: String? = nil,
                initrd: [String] = [], options: String = "") {
        self.id = id
        self.title = title
        self.version = version
        self.linux = linux
        self.initrd = initrd
        self.options = options
    }

    public static func parse(bytes: [UInt8], fileName: String? = nil) -> BootLoaderSpecEntry {
        parse(ConfigText.decode(bytes), fileName: fileName)
    }

    /// Parses `key value…` lines (`#` comments). Single-valued keys take the last occurrence;
    /// `initrd` and `options` accumulate, as the spec says. `fileName` (basename, `.conf`
    /// optional) gives the id.
    public static func parse(_ text: String, fileName: String? = nil) -> BootLoaderSpecEntry {
        var entry = BootLoaderSpecEntry()
        if let fileName {
            let base = fileName.split(separator: "/").last.map(String.init) ?? fileName
            entry.id = base.hasSuffix(".conf") ? String(base.dropLast(5)) : base
        }
        var options: [String] = []
        for line in ConfigText.lines(text) {
            let content = ConfigText.trimmed(line.scalars)
            guard let first = content.first, first != "#" else { continue }
            let (key, rest) = ConfigText.splitFirstWord(content)
            let value = ConfigText.string(rest)
            switch key {
            case "title": entry.title = value
            case "version": entry.version = value
            case "linux": entry.linux = value
            case "initrd": entry.initrd += ConfigText.fields(rest)
            case "options": if !value.isEmpty { options.append(value) }
            default: continue
            }
        }
        entry.options = options.joined(separator: " ")
        return entry
    }

    /// The kernel command line with `$kernelopts` (and any grubenv variable) expanded.
    public func commandLine(env: GrubEnv?) -> KernelCommandLine {
        KernelCommandLine(expandedOptions(env: env).text)
    }

    /// Expanded options and the variables that had no value (reported, not guessed).
    public func expandedOptions(env: GrubEnv?) -> (text: String, unresolved: [String]) {
        (env ?? GrubEnv()).expand(options)
    }

    /// The common boot entry shape, with options expanded from `env`.
    public func bootEntry(env: GrubEnv?, position: Int = 0) -> BootEntry {
        BootEntry(title: title ?? id ?? "", id: id, kernelPath: linux,
                  kernelVersion: version ?? linux.flatMap(BootEntry.version(fromKernelPath:)),
                  commandLineText: expandedOptions(env: env).text, initrdPaths: initrd, line: 1,
                  position: [position])
    }
}

/// The set of BLS entries and grubenv together: which one boots by default.
public enum BootLoaderSpec {
    /// Entries in menu order as el8 GRUB's blscfg shows them: newest version first (rpm-style
    /// version comparison), then by id, descending.
    public static func menuOrder(_ entries: [BootLoaderSpecEntry]) -> [BootLoaderSpecEntry] {
        entries.sorted { a, b in
            let byVersion = compareVersions(a.version ?? "", b.version ?? "")
            if byVersion != 0 { return byVersion > 0 }
            return compareVersions(a.id ?? "", b.id ?? "") > 0
        }
    }

    /// The default entry: grubenv `saved_entry` names an id (or a menu index); without one, the
    /// first in menu order. Nil when `saved_entry` names no entry (GRUB would fall back to 0;
    /// the audit should say so rather than silently pick).
    public static func defaultEntry(_ entries: [BootLoaderSpecEntry], env: GrubEnv?) -> BootLoaderSpecEntry? {
        let ordered = menuOrder(entries)
        guard let saved = env?.savedEntry, !saved.isEmpty else { return ordered.first }
        if let match = ordered.first(where: { $0.id == saved }) { return match }
        if let index = Int(saved), ordered.indices.contains(index) { return ordered[index] }
        return nil
    }

    /// rpm-style version comparison (rpmvercmp, simplified): alternating runs of digits and
    /// letters compared in turn, digits numerically (as strings, so no overflow on hostile
    /// input), numbers newer than letters, more segments newer. Returns -1, 0, 1.
    static func compareVersions(_ a: String, _ b: String) -> Int {
        let left = segments(a), right = segments(b)
        for (x, y) in zip(left, right) {
            let xNumeric = x.first?.isASCIIDigit ?? false, yNumeric = y.first?.isASCIIDigit ?? false
            if xNumeric != yNumeric { return xNumeric ? 1 : -1 }
            if xNumeric {
                let xs = x.drop { $0 == "0" }, ys = y.drop { $0 == "0" }
                if xs.count != ys.count { return xs.count > ys.count ? 1 : -1 }
                if xs != ys { return Array(xs.unicodeScalars).lexicographicallyPrecedes(ys.unicodeScalars) ? -1 : 1 }
            } else if x != y {
                return Array(x.unicodeScalars).lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1
            }
        }
        return left.count == right.count ? 0 : (left.count > right.count ? 1 : -1)
    }

    private static func segments(_ version: String) -> [String] {
        var result: [String] = []
        var current: [Unicode.Scalar] = []
        var currentIsDigit = false
        for scalar in version.unicodeScalars {
            let isDigit = scalar >= "0" && scalar <= "9"
            let isLetter = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
            if !isDigit && !isLetter {
                if !current.isEmpty { result.append(ConfigText.string(current)); current = [] }
                continue
            }
            if !current.isEmpty && isDigit != currentIsDigit {
                result.append(ConfigText.string(current)); current = []
            }
            currentIsDigit = isDigit
            current.append(scalar)
        }
        if !current.isEmpty { result.append(ConfigText.string(current)) }
        return result
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
