/// Drivers forced into the el7+ kdump initrd through `dracut_args`.
///
/// On el7+ the only way to put a driver into the kdump initrd without the el6 `extra_modules`
/// side effects is `dracut_args --add-drivers "…"`; the audit compares what was asked for here
/// with the module list of the initrd actually built, so the extraction has to understand every
/// spelling dracut does.
extension KdumpConf {
    static let driverOptions = ["--add-drivers", "--force-drivers"]

    /// Module names from every `dracut_args` line's `--add-drivers`/`--force-drivers`, in order:
    /// `--add-drivers "a b"`, `--add-drivers a`, `--add-drivers=a` and `--add-drivers="a b"`.
    /// Values are split on blanks only, as dracut splits them: `"a,b"` is one (non-existent)
    /// module name, which the release rules report.
    public func dracutAddDrivers() -> [String] {
        all("dracut_args").flatMap { $0.dracutAddDriverGroups() }.flatMap { group in
            group.unicodeScalars.split { ConfigText.isBlank($0) || $0 == "\n" }.map { ConfigText.string($0) }
        }
    }
}

extension KdumpConf.Directive {
    /// The value of each `--add-drivers`/`--force-drivers` on this line, unsplit; a flag with
    /// no following word contributes nothing.
    public func dracutAddDriverGroups() -> [String] {
        var groups: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if KdumpConf.driverOptions.contains(word) {
                if index < words.count { groups.append(words[index]); index += 1 }
            } else if let option = KdumpConf.driverOptions.first(where: { word.hasPrefix($0 + "=") }) {
                groups.append(String(word.dropFirst(option.count + 1)))
            }
        }
        return groups
    }
}
