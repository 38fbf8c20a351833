/// The `/init` that el6's mkdumprd writes into the kdump initrd: a script whose
/// `insmod /lib/modules/KVER/NAME.ko [OPTIONS]` lines are the only way the capture kernel
/// loads modules.
///
/// That makes it the truth about el6's capture kernel: mkdumprd copies blacklisted modules into
/// the initrd anyway and only leaves out their insmod line, and `options` reach a module only
/// through its insmod line (reference: el6 mkdumprd L2902–2921, L3113–3152).
public struct El6InitScript: Sendable, Equatable {
    /// One `insmod` line.
    public struct Load: Sendable, Equatable {
        /// The module file's name without `.ko` (`hid-hyperv`), as mkdumprd compares it.
        public var module: String
        /// The words after the module path: the options mkdumprd appended.
        public var arguments: [String]
        /// 1-based line in /init.
        public var line: Int
    }

    public var loads: [Load]

    /// Parses /init text. Only `insmod PATH.ko …` lines count (leading blanks allowed, as a
    /// shell allows them); everything else in the script is ignored.
    public init(_ text: String) {
        var loads: [Load] = []
        for line in ConfigText.lines(text) {
            let words = ConfigText.string(ConfigText.trimmed(line.scalars)).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count >= 2, words[0] == "insmod", let module = InitrdReader.moduleName(fromPath: words[1]) else { continue }
            loads.append(Load(module: module, arguments: Array(words.dropFirst(2)), line: line.number))
        }
        self.loads = loads
    }

    /// The insmod line loading `module`, spelling-insensitive (`hid_hyperv` finds `hid-hyperv.ko`):
    /// what matters here is whether the kernel loads it, not how kdump.conf spelled it.
    public func load(of module: String) -> Load? {
        let wanted = InitrdReader.normalizedModuleName(module)
        return loads.first { InitrdReader.normalizedModuleName($0.module) == wanted }
    }
}
