/// el6's legacy GRUB configuration, /boot/grub/grub.conf (menu.lst).
///
/// On el6 the default entry's `kernel` line is the only place crashkernel= is set, so the
/// audit has to know which `title` block boots by default and what its kernel line says.
public struct GrubLegacyConf: Sendable, Equatable {
    public enum Default: Sendable, Equatable {
        /// `default=N` (0-based); also the value when the line is absent (GRUB uses 0).
        case index(Int)
        /// `default saved`: the entry number is in /boot/grub/default, not here.
        case saved
        /// Anything else, as written.
        case invalid(String)
    }

    public var entries: [BootEntry]
    public var defaultSetting: Default

    public init(entries: [BootEntry], defaultSetting: Default) {
        self.entries = entries
        self.defaultSetting = defaultSetting
    }

    /// The entry GRUB boots without interaction; nil when `default` is `saved` (use
    /// `defaultEntry(savedIndex:)`), invalid, or out of range (GRUB would fall back; we do not guess).
    public var defaultEntry: BootEntry? { defaultEntry(savedIndex: nil) }

    /// As `defaultEntry`, resolving `default saved` with the index read from /boot/grub/default.
    public func defaultEntry(savedIndex: Int?) -> BootEntry? {
        let index: Int
        switch defaultSetting {
        case .index(let value): index = value
        case .saved:
            guard let savedIndex else { return nil }
            index = savedIndex
        case .invalid: return nil
        }
        return entries.indices.contains(index) ? entries[index] : nil
    }

    public static func parse(bytes: [UInt8]) -> GrubLegacyConf { parse(ConfigText.decode(bytes)) }

    /// Parses grub.conf. A command and its argument are separated by blanks or `=`
    /// (`default=0` and `default 0` are the same); `title` starts an entry that runs to the next
    /// `title`; inside it `kernel PATH ARGS…` and `initrd PATH` are recorded.
    public static func parse(_ text: String) -> GrubLegacyConf {
        var entries: [BootEntry] = []
        var defaultSetting = Default.index(0)
        var current: BootEntry?
        for line in ConfigText.lines(text) {
            let content = ConfigText.trimmed(line.scalars)
            guard let first = content.first, first != "#" else { continue }
            var end = content.startIndex
            while end < content.endIndex, !ConfigText.isBlank(content[end]), content[end] != "=" { end += 1 }
            let command = ConfigText.string(content[content.startIndex..<end])
            var restStart = end
            while restStart < content.endIndex, ConfigText.isBlank(content[restStart]) { restStart += 1 }
            if restStart < content.endIndex, content[restStart] == "=", command != "title" { restStart += 1 }
            let rest = ConfigText.trimmed(content[restStart...])
            switch command {
            case "title":
                if let current { entries.append(current) }
                current = BootEntry(title: ConfigText.string(rest), kernelPath: nil, commandLineText: "",
                                    line: line.number, position: [entries.count])
            case "default" where current == nil:
                let value = ConfigText.string(rest)
                if value == "saved" { defaultSetting = .saved }
                else if let index = Int(value), index >= 0 { defaultSetting = .index(index) }
                else { defaultSetting = .invalid(value) }
            case "kernel" where current != nil:
                var words = ConfigText.fields(rest)
                while let option = words.first, option.hasPrefix("--") { words.removeFirst() } // --type=…, --no-mem-option
                guard let path = words.first else { continue }
                current?.kernelPath = path
                current?.kernelVersion = BootEntry.version(fromKernelPath: path)
                current?.commandLineText = words.dropFirst().joined(separator: " ")
            case "initrd" where current != nil:
                current?.initrdPaths += ConfigText.fields(rest).prefix(1)
            default:
                continue
            }
        }
        if let current { entries.append(current) }
        return GrubLegacyConf(entries: entries, defaultSetting: defaultSetting)
    }
}
