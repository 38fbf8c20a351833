/// /etc/default/kdump-tools as kdump-config reads it: a shell file sourced by the script and by
/// both units (L159–163), read here without running it.
public struct KdumpToolsDefaults: Sendable, Equatable {
    public var assignments: ShellAssignments
    /// `USE_KDUMP`; the init script exits silently unless it is a non-zero number (L164–166).
    public var useKdump: String?
    /// `KDUMP_CMDLINE_APPEND` when set to something non-empty; `:=` treats empty as unset.
    public var commandLineAppend: ShellAssignments.Assignment?
    /// `KDUMP_COREDIR`, where dumps are saved; `/var/crash` is what the shipped file says (L161–163).
    public var coreDirectory: String

    public init(text: String?) {
        assignments = ShellAssignments.parse(text ?? "")
        useKdump = assignments.value("USE_KDUMP")
        commandLineAppend = assignments["KDUMP_CMDLINE_APPEND"].flatMap { $0.value.isEmpty ? nil : $0 }
        coreDirectory = assignments.value("KDUMP_COREDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/var/crash"
    }

    public init(facts: GuestFacts) {
        self.init(text: facts.text(KdumpToolsPaths.defaults))
    }

    /// True when the service will run: `[ "$USE_KDUMP" -ne 0 ]`.
    public var isEnabled: Bool { useKdump.flatMap { Int($0) }.map { $0 != 0 } ?? false }

    /// The capture kernel's appended parameters: the file's value, which *replaces* the default,
    /// or kdump-config's own default (L167–169).
    public func effectiveAppend(_ release: KdumpToolsRelease, facts: GuestFacts) -> (line: KernelCommandLine, text: String, isDefault: Bool) {
        if let set = commandLineAppend { return (KernelCommandLine(set.value), set.value, false) }
        let text = release.defaultCommandLineAppend(kdumpConfigScript: facts.text(KdumpToolsPaths.kdumpConfig))
        return (KernelCommandLine(text), text, true)
    }
}
