/// A Linux kernel command line split into parameters the way the kernel splits it.
///
/// crashkernel= (memory for the capture kernel), `ata_piix.prefer_ms_hyperv=0` and
/// `rd.driver.blacklist=` decide whether kdump works on Hyper-V, and they live in command lines
/// taken from grub.conf, grub.cfg, BLS entries, grubenv and KDUMP_COMMANDLINE_APPEND. The
/// kernel's rules (lib/cmdline.c `next_arg`): parameters are separated by blanks outside double
/// quotes; a leading quote on the parameter or on its value is removed with the matching
/// trailing one; single quotes mean nothing; `--` ends the kernel's parameters (the rest goes to init).
public struct KernelCommandLine: Sendable, Equatable, CustomStringConvertible {
    public struct Parameter: Sendable, Equatable {
        /// The text between separators, as written (quotes included).
        public var raw: String
        /// The name: everything before the first `=` (quotes removed).
        public var key: String
        /// The value after the first `=` with surrounding quotes removed; nil for a bare flag (`quiet`).
        public var value: String?
    }

    /// Parameters for the kernel (and modules), in order.
    public var parameters: [Parameter]
    /// Words after a standalone `--`: passed to init, not seen by the kernel.
    public var initArguments: [String]

    /// Parses a command line. Never fails; newlines count as blanks (a /proc/cmdline ends with one).
    public init(_ text: String) {
        var parameters: [Parameter] = []
        var initArguments: [String] = []
        var afterDashes = false
        for raw in Self.split(Array(text.unicodeScalars)) {
            if afterDashes { initArguments.append(raw); continue }
            if raw == "--" { afterDashes = true; continue }
            parameters.append(Self.parameter(raw))
        }
        self.parameters = parameters
        self.initArguments = initArguments
    }

    /// The command line re-joined with single spaces.
    public var description: String {
        (parameters.map(\.raw) + (initArguments.isEmpty ? [] : ["--"] + initArguments)).joined(separator: " ")
    }

    /// All values of `key`, in order (`crashkernel` → `["auto"]`). Exact name match; a bare flag
    /// contributes no value. Repeats are all returned: which one counts depends on the parameter
    /// (the kernel's crashkernel parser takes the last; rd.driver.blacklist accumulates).
    public func values(of key: String) -> [String] {
        parameters.compactMap { $0.key == key ? $0.value : nil }
    }

    /// True when `token` appears as a whole parameter: `quiet`, or `crashkernel=auto`
    /// (compared after quote removal, so `a="b c"` matches `a=b c`).
    public func contains(_ token: String) -> Bool {
        parameters.contains { parameter in
            parameter.raw == token || (parameter.value.map { parameter.key + "=" + $0 } ?? parameter.key) == token
        }
    }

    /// True when a parameter named `key` appears, with or without a value.
    public func hasKey(_ key: String) -> Bool {
        parameters.contains { $0.key == key }
    }

    /// Values of a module parameter given as `module.param=value`. The kernel (and modprobe)
    /// treat `-` and `_` in such names as the same character, so both spellings match.
    public func moduleParameter(_ module: String, _ name: String) -> [String] {
        let wanted = Self.dashInsensitive(module + "." + name)
        return parameters.compactMap { Self.dashInsensitive($0.key) == wanted ? $0.value : nil }
    }

    /// Modules that must not be loaded, from every `rd.driver.blacklist=` (dracut), its legacy
    /// spelling `rdblacklist=` and `modprobe.blacklist=` (kmod): comma lists, possibly repeated,
    /// accumulated in order; empty items dropped. Names are as written (`hid-hyperv` keeps its dash).
    public func driverBlacklist() -> [String] {
        let keys: Set<String> = ["rd.driver.blacklist", "rdblacklist", "modprobe.blacklist"]
        return parameters
            .filter { keys.contains($0.key) }
            .flatMap { ($0.value ?? "").split(separator: ",").map { ConfigText.trimmedString(String($0)) } }
            .filter { !$0.isEmpty }
    }

    static func dashInsensitive(_ name: String) -> String {
        String(name.map { $0 == "-" ? "_" : $0 })
    }

    /// Splits on blanks outside double quotes.
    static func split(_ scalars: [Unicode.Scalar]) -> [String] {
        var result: [String] = []
        var current: [Unicode.Scalar] = []
        var inQuote = false
        for scalar in scalars {
            if scalar == "\"" { inQuote.toggle() }
            if !inQuote, ConfigText.isBlank(scalar) || scalar == "\n" {
                if !current.isEmpty { result.append(ConfigText.string(current)); current = [] }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { result.append(ConfigText.string(current)) }
        return result
    }

    static func parameter(_ raw: String) -> Parameter {
        var scalars = Array(raw.unicodeScalars)
        if scalars.first == "\"" {
            scalars.removeFirst()
            if scalars.last == "\"" { scalars.removeLast() }
        }
        guard let equals = scalars.firstIndex(of: "=") else {
            return Parameter(raw: raw, key: ConfigText.string(scalars), value: nil)
        }
        var value = Array(scalars[(equals + 1)...])
        if value.first == "\"" {
            value.removeFirst()
            if value.last == "\"" { value.removeLast() }
        }
        return Parameter(raw: raw, key: ConfigText.string(scalars[..<equals]), value: ConfigText.string(value))
    }
}
