/// el7's generated GRUB2 configuration, /boot/grub2/grub.cfg (or /boot/efi/EFI/<vendor>/grub.cfg).
///
/// grub2-mkconfig bakes GRUB_CMDLINE_LINUX into every `linux16`/`linuxefi` line, so the
/// default entry's line is what the next boot really uses, even when /etc/default/grub was
/// edited afterwards without regenerating. Only the structure the generator emits is
/// understood: `menuentry`/`submenu` blocks (nested to any depth, tracked with a stack, not
/// recursion), `set default=…`, and the `blscfg` command of el8 (entries then live in
/// /boot/loader/entries, see `BootLoaderSpecEntry`).
public struct Grub2Config: Sendable, Equatable {
    /// A menu item: a bootable entry or a submenu, with its address.
    public struct Item: Sendable, Equatable {
        public var title: String
        public var id: String?
        public var position: [Int]
        public var isSubmenu: Bool
    }

    /// Every menuentry in file order (submenu contents included).
    public var entries: [BootEntry]
    /// Menu entries and submenus, for resolving `default`.
    public var items: [Item]
    /// The raw value of the `set default=` that applies at normal boot: the last one, ignoring
    /// the one-shot `${next_entry}` branch grub2-mkconfig emits. Nil when there is none (GRUB uses 0).
    public var defaultValue: String?
    /// True when the file calls `blscfg` (el8): entries come from /boot/loader/entries.
    public var usesBlscfg: Bool

    /// Items nested deeper than this many submenus are ignored: grub2-mkconfig emits one level,
    /// and addresses grow with depth, so a hostile file of nested submenus would otherwise cost
    /// quadratic memory.
    public static let maxSubmenuDepth = 8

    public static func parse(bytes: [UInt8]) -> Grub2Config { parse(ConfigText.decode(bytes)) }

    public static func parse(_ text: String) -> Grub2Config {
        enum Block { case entry(Int), submenu, other }
        var stack: [Block] = []
        // Open submenus, innermost last: their address and how many items they hold so far.
        // Kept apart from `stack` so finding the enclosing submenu is O(1) per line.
        var submenus: [(position: [Int], children: Int)] = []
        var topLevelCount = 0
        var entries: [BootEntry] = []
        var items: [Item] = []
        var defaults: [String] = []
        var usesBlscfg = false

        /// The position of a new item at the current depth; bumps that level's counter.
        /// Items inside `if` blocks or functions count at their menu level.
        func nextPosition() -> [Int] {
            guard let innermost = submenus.last else {
                defer { topLevelCount += 1 }
                return [topLevelCount]
            }
            submenus[submenus.count - 1].children += 1
            return innermost.position + [innermost.children]
        }

        for line in ConfigText.lines(text) {
            let content = ConfigText.trimmed(line.scalars)
            guard let first = content.first, first != "#" else { continue }
            let words = ShellWords.split(scalars: Array(content))
            guard let command = words.first?.text else { continue }
            let opensBlock = words.count > 1 && words.last?.text == "{"
            let inEntry: Int? = { if case .entry(let index) = stack.last { index } else { nil } }()

            switch command {
            case "menuentry", "submenu":
                guard submenus.count <= maxSubmenuDepth else {
                    if opensBlock { stack.append(.other) }
                    continue
                }
                let title = words.count > 2 || (words.count == 2 && !opensBlock) ? words[1].text : ""
                let position = nextPosition()
                let id = Self.identifier(words.map(\.text))
                let isSubmenu = command == "submenu"
                items.append(Item(title: title, id: id, position: position, isSubmenu: isSubmenu))
                if isSubmenu {
                    if opensBlock { stack.append(.submenu); submenus.append((position, 0)) }
                } else {
                    entries.append(BootEntry(title: title, id: id, kernelPath: nil, commandLineText: "",
                                             line: line.number, position: position))
                    if opensBlock { stack.append(.entry(entries.count - 1)) }
                }
            case "}":
                if case .submenu = stack.popLast() { submenus.removeLast() }
            case "linux", "linux16", "linuxefi":
                guard let index = inEntry, words.count > 1 else { continue }
                entries[index].kernelPath = words[1].text
                entries[index].kernelVersion = BootEntry.version(fromKernelPath: words[1].text)
                entries[index].commandLineText = BootEntry.joinCommandLine(words.dropFirst(2).map(\.text))
            case "initrd", "initrd16", "initrdefi":
                guard let index = inEntry else { continue }
                entries[index].initrdPaths = words.dropFirst().map(\.text)
            case "set":
                guard words.count > 1, words[1].text.hasPrefix("default=") else {
                    if opensBlock { stack.append(.other) }
                    continue
                }
                let value = String(words[1].text.dropFirst("default=".count))
                if !value.contains("next_entry") { defaults.append(value) }
            case "blscfg":
                usesBlscfg = true
            default:
                if opensBlock { stack.append(.other) } // function f {, and the like
            }
        }
        return Grub2Config(entries: entries, items: items, defaultValue: defaults.last, usesBlscfg: usesBlscfg)
    }

    /// `--id X` or `$menuentry_id_option X` (the generator's spelling).
    static func identifier(_ words: [String]) -> String? {
        for (index, word) in words.enumerated() where index + 1 < words.count {
            if word == "--id" || word == "$menuentry_id_option" { return words[index + 1] }
        }
        if let word = words.first(where: { $0.hasPrefix("--id=") }) { return String(word.dropFirst(5)) }
        return nil
    }

    /// The entry GRUB boots by default. `env` (grubenv) resolves `${saved_entry}` and any
    /// other variable; an empty or absent default means item 0. The value is an index, a title
    /// or an id, or a `>`-separated path of those through submenus (`1>2`). Nil when it names
    /// nothing, or a submenu.
    public func defaultEntry(env: GrubEnv? = nil) -> BootEntry? {
        let raw = (env ?? GrubEnv()).expand(defaultValue ?? "0").text
        let value = raw.isEmpty ? "0" : raw
        var prefix: [Int] = []
        var found: Item?
        for part in value.split(separator: ">", omittingEmptySubsequences: false).map(String.init) {
            let level = items.filter { $0.position.count == prefix.count + 1 && Array($0.position.dropLast()) == prefix }
            if let index = Int(part), index >= 0 {
                found = level.first { $0.position.last == index }
            } else {
                found = level.first { $0.title == part || $0.id == part }
            }
            guard let item = found else { return nil }
            prefix = item.position
        }
        guard let item = found, !item.isSubmenu else { return nil }
        return entries.first { $0.position == item.position }
    }

    /// The default entry's command line with grubenv variables (`$kernelopts`) expanded.
    public func defaultCommandLine(env: GrubEnv? = nil) -> KernelCommandLine? {
        guard let entry = defaultEntry(env: env) else { return nil }
        return KernelCommandLine((env ?? GrubEnv()).expand(entry.commandLineText).text)
    }
}
