/// The values templates see, built from a profile (and, for merged settings, the guest's file).
public struct TemplateVariables: Sendable, Equatable {
    /// Every variable a template may use; anything else is a typo and an error.
    public static let known: Set<String> = [
        "profile", "panic_timeout", "dump_path", "core_collector", "extra_modules", "blacklist",
        "module_options", "disk_timeout", "add_drivers", "kdump_commandline_append",
        "force_no_rebuild", "auto_reset_crashkernel",
        // kdump-tools guests: the kernel parameters the grub.d drop-in appends.
        "boot_parameters",
    ]
    /// Fields of the items of list variables.
    public static let listFields: [String: [String]] = ["module_options": ["module", "options"]]

    public var scalars: [String: String] = [:]
    public var lists: [String: [[String: String]]] = [:]

    public init() {}

    func has(_ name: String) -> Bool { scalars[name] != nil || lists[name] != nil }

    var mustacheContext: [String: Any] {
        var context: [String: Any] = scalars
        for (key, items) in lists { context[key] = items }
        return context
    }

    /// The variables for `profile`; `commandLine` is the merged KDUMP_COMMANDLINE_APPEND, when the
    /// profile needs one. `release` (the guest's, when one is known) adds what depends on it:
    /// `auto_reset_crashkernel no` where RHEL 9.3+ would reset the profile's crashkernel size.
    public static func forProfile(_ profile: Profile, release: KexecToolsRelease? = nil, commandLine: String? = nil) -> TemplateVariables {
        let v = profile.values
        var variables = TemplateVariables()
        variables.scalars["profile"] = profile.name
        variables.scalars["panic_timeout"] = v.panicTimeout.map(String.init)
        variables.scalars["dump_path"] = v.dumpPath
        variables.scalars["core_collector"] = v.coreCollector
        variables.scalars["extra_modules"] = v.extraModules.isEmpty ? nil : v.extraModules.joined(separator: " ")
        variables.scalars["add_drivers"] = v.addDrivers.isEmpty ? nil : v.addDrivers.joined(separator: " ")
        variables.scalars["kdump_commandline_append"] = commandLine
        variables.scalars["force_no_rebuild"] = v.forceNoRebuild ? "1" : nil
        variables.scalars["auto_reset_crashkernel"] = release?.autoResetCrashkernel(for: v.crashkernel)
        // Where blacklist and module options are kdump.conf directives (el6); elsewhere they go on
        // the capture command line (`KdumpConfigCheck.requiredCommandLine`).
        if KexecToolsRelease.moduleLoading(profile.family) == .initInsmodLines {
            variables.scalars["blacklist"] = v.blacklist.isEmpty ? nil : v.blacklist.joined(separator: " ")
            variables.scalars["disk_timeout"] = v.diskTimeout.map(String.init)
            if !v.moduleOptions.isEmpty {
                variables.lists["module_options"] = v.moduleOptions.sorted { $0.key < $1.key }.map { ["module": $0.key, "options": $0.value] }
            }
        }
        return variables
    }
}
