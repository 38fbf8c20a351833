/// Drivers forced into the el7+ kdump initrd through `dracut_args`.
///
/// On el7+ the only way to put a driver into the kdump initrd without the el6 `extra_modules`
/// side effects is `dracut_args --add-drivers "…"`; the audit compares what was asked for here
/// with the module list of the initrd actually built, so the extraction has to understand every
/// spelling dracut does.
extension KdumpConf {
    static let driverOptions = ["--add-drivers", "--force-drivers"]

    /// Module names from every `dracut_args` line's `--add-drivers`/`--force-drivers`, in order:
    /// `--add-drivers "a b"`, `--add-drivers a`, `--add-drivers=a,b` and `--add-drivers="a b"`.
    /// Values are split on blanks and commas; a flag with no following word contributes nothing.
    public func dracutAddDrivers() -> [String] {
        var drivers: [String] = []
        for directive in all("dracut_args") {
            let words = directive.words
            var index = 0
            while index < words.count {
                let word = words[index]
                index += 1
                var value: String?
                if Self.driverOptions.contains(word) {
                    if index < words.count { value = words[index]; index += 1 }
                } else if let option = Self.driverOptions.first(where: { word.hasPrefix($0 + "=") }) {
                    value = String(word.dropFirst(option.count + 1))
                }
                guard let value else { continue }
                drivers += value.unicodeScalars
                    .split { ConfigText.isBlank($0) || $0 == "," || $0 == "\n" }
                    .map { ConfigText.string($0) }
            }
        }
        return drivers
    }
}
