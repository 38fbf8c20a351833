import Foundation
import Yams

extension Manifest {
    /// Reads and fully validates the manifest at `path`. Every problem is reported, each with
    /// file, line and key; nothing is guessed or silently defaulted from a wrong value.
    public static func load(path: String) throws -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let message = !exists ? "no such file" : isDirectory.boolValue ? "is a directory, not a manifest" : "cannot be read"
            throw ManifestErrors(errors: [ManifestError(file: path, line: 0, key: "", message: message)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ManifestErrors(errors: [ManifestError(file: path, line: 0, key: "", message: "is not UTF-8 text")])
        }
        return try parse(text, file: path)
    }

    /// Parses and validates manifest text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> Manifest {
        let problems = ManifestProblems(file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ManifestErrors(errors: [ManifestError(file: file, line: 0, key: "", message: "is empty")])
            }
            root = node
        } catch let error as YamlError {
            throw ManifestErrors(errors: [yamlSyntaxError(error, file: file)])
        }
        let manifest = ManifestReader(problems: problems).manifest(YAMLCursor(node: root, key: "", problems: problems), file: file)
        if let manifest, problems.errors.isEmpty { return manifest }
        throw ManifestErrors(errors: problems.errors)
    }

    private static func yamlSyntaxError(_ error: YamlError, file: String) -> ManifestError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ManifestError(file: file, line: mark.line, key: "", message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ManifestError(file: file, line: context.mark.line, key: "", message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return ManifestError(file: file, line: 0, key: "", message: "not valid YAML: \(error)")
        }
    }
}

/// Walks the YAML tree and builds the model, reporting problems through `problems`.
private struct ManifestReader {
    let problems: ManifestProblems

    func manifest(_ root: YAMLCursor, file: String) -> Manifest? {
        guard let top = root.mapping(allowed: ["version", "images", "unmatched", "profiles", "overrides"]) else { return nil }
        if let version = root.require(top, "version"), let number = version.int(in: 0...Int.max), number != 1 {
            version.report("unsupported manifest version \(number); this kdumpbake reads version 1")
        }
        let images = top["images"]?.stringList() ?? []
        let unmatched = top["unmatched"]?.choice(UnmatchedPolicy.self) ?? .fail
        var profiles: [Profile] = []
        if let entry = top["profiles"] {
            if let list = entry.sequence() {
                if list.isEmpty { entry.report("must list at least one profile") }
                profiles = list.compactMap(profile)
                var seen = Set<String>()
                for (cursor, profile) in zip(list, profiles) where !seen.insert(profile.name).inserted {
                    cursor.report("profile name \"\(profile.name)\" is used twice")
                }
            }
            top["overrides"]?.report("changes the built-in profiles, and this manifest lists its own: set the values in its profiles instead")
        } else {
            // A fleet manifest: the images, and the built-in profiles with a few values changed.
            profiles = Manifest.builtin().profiles
            if let overrides = top["overrides"] { profiles = applying(overrides, to: profiles) }
        }
        return Manifest(version: 1, images: images, unmatched: unmatched, profiles: profiles, source: file)
    }

    /// `overrides: {PROFILE: {KEY: VALUE…}}`: each named built-in profile's values with the keys given
    /// replaced, checked against the profile's family as if the profile had been written out whole.
    private func applying(_ cursor: YAMLCursor, to profiles: [Profile]) -> [Profile] {
        guard let entries = cursor.mapping(allowed: Set(profiles.map(\.name))) else { return profiles }
        return profiles.map { profile in
            guard let entry = entries[profile.name], let values = values(entry, over: profile.values) else { return profile }
            for (key, message) in Self.familyProblems(values, family: profile.family, kdump: profile.kdump) {
                entry.report(key == "kdump" ? "profile \(profile.name) is kdump: disabled, and \(message)" : message)
            }
            var changed = profile
            changed.values = values
            return changed
        }
    }

    private func profile(_ cursor: YAMLCursor) -> Profile? {
        guard let entries = cursor.mapping(allowed: ["name", "description", "family", "match", "opt_in", "values", "initrd", "kernels", "max_kernels", "files", "kdump"]) else { return nil }
        let name = cursor.require(entries, "name")?.string()
        if let name, !name.isProfileName {
            entries["name"]?.report("\"\(name)\" is not a profile name (letters, digits, '-', '_', '.')")
        }
        let family = cursor.require(entries, "family")?.choice(KdumpFamily.self)
        let match = cursor.require(entries, "match").flatMap(self.match)
        let values = entries["values"].map { self.values($0) } ?? ProfileValues()
        let optIn = entries["opt_in"]?.bool() ?? false
        let initrd = entries["initrd"]?.choice(InitrdPolicy.self) ?? .rebuild
        let kdump = entries["kdump"]?.choice(KdumpPolicy.self) ?? .enabled
        let kernels = entries["kernels"]?.choice(KernelSelection.self) ?? .all
        let maxKernels = entries["max_kernels"]?.int(in: 1...Profile.maxKernelsLimit) ?? Profile.defaultMaxKernels
        let files = entries["files"].map(self.files) ?? FileStrategies()
        if let family, let values {
            for (key, message) in Self.familyProblems(values, family: family, kdump: kdump) { entries[key]?.report(message) }
        }
        guard let name, let family, let match, let values else { return nil }
        var profile = Profile(name: name, description: entries["description"]?.string() ?? "", family: family, match: match,
                              optIn: optIn, values: values, initrd: initrd, kernels: kernels, maxKernels: maxKernels, files: files)
        profile.kdump = kdump
        return profile
    }

    /// Values that contradict the profile's family or kdump policy, each with the profile key
    /// (`kdump` or `values`) the message belongs to.
    static func familyProblems(_ values: ProfileValues, family: KdumpFamily, kdump: KdumpPolicy) -> [(key: String, message: String)] {
        var problems: [(key: String, message: String)] = []
        if kdump == .disabled {
            if values.panicTimeout == nil { problems.append(("kdump", "disabled needs values.panic_timeout: a panic-only profile's whole point is the reboot")) }
            let contradicting = [("enable_service", values.enableService == true), ("ensure_crashkernel", values.ensureCrashkernel),
                                 ("extra_modules", !values.extraModules.isEmpty), ("add_drivers", !values.addDrivers.isEmpty)]
            for (key, set) in contradicting where set {
                problems.append(("kdump", "disabled contradicts values.\(key): a panic-only profile leaves kdump alone"))
            }
        }
        if family == .kdumpTools || family == .sles {
            // kdump.conf values: these families have no kdump.conf, so they would silently do nothing.
            let unused = [("blacklist", !values.blacklist.isEmpty), ("module_options", !values.moduleOptions.isEmpty),
                          ("disk_timeout", values.diskTimeout != nil), ("core_collector", values.coreCollector != nil),
                          ("add_drivers", !values.addDrivers.isEmpty), ("force_no_rebuild", values.forceNoRebuild)]
            for (key, set) in unused where set {
                problems.append(("values", "\(key) has no effect on \(family.rawValue) (a kdump.conf value); name drivers with extra_modules"))
            }
        } else if KexecToolsRelease.deprecatedDirectives(family).contains("disk_timeout"), values.diskTimeout != nil {
            problems.append(("values", "disk_timeout is fatal on \(family.rawValue): kdumpctl refuses to start (\"Deprecated kdump config option\")"))
        }
        if family == .el6, values.forceNoRebuild {
            problems.append(("values", "force_no_rebuild is not a kdump.conf directive on el6 (mkdumprd stops with \"Unknown parameter\")"))
        }
        return problems
    }

    private func match(_ cursor: YAMLCursor) -> ProfileMatch? {
        guard let entries = cursor.mapping(allowed: ["distro", "versions", "arch"]) else { return nil }
        let distros = cursor.require(entries, "distro")?.stringList()
        if distros?.isEmpty == true { entries["distro"]?.report("must name at least one distro") }
        var range: VersionRange?
        if let versions = cursor.require(entries, "versions"), let text = versions.string() {
            range = VersionRange(parsing: text)
            if range == nil { versions.report("\"\(text)\" is not a version range (examples: \">=6.3, <7\", \"7\", \"8.4\")") }
        }
        let arch = entries["arch"]?.stringList() ?? []
        guard let distros, !distros.isEmpty, let range else { return nil }
        return ProfileMatch(distros: distros, versions: range, architectures: arch)
    }

    private func files(_ cursor: YAMLCursor) -> FileStrategies {
        var strategies = FileStrategies()
        guard let entries = cursor.mapping(allowed: ["kdump_conf", "sysctl"]) else { return strategies }
        if let choice = entries["kdump_conf"]?.choice(FileStrategies.Strategy.self) { strategies.kdumpConf = choice }
        if let choice = entries["sysctl"]?.choice(FileStrategies.Strategy.self) { strategies.sysctl = choice }
        return strategies
    }

    /// A `values:` mapping, or an override's: the keys given replace `base`'s, the others stay.
    private func values(_ cursor: YAMLCursor, over base: ProfileValues = ProfileValues()) -> ProfileValues? {
        guard let entries = cursor.mapping(allowed: [
            "panic_timeout", "panic_timeout_policy", "dump_path", "core_collector", "disk_timeout", "blacklist",
            "extra_modules", "add_drivers", "module_options", "commandline_append", "crashkernel", "ensure_crashkernel", "enable_service",
            "force_no_rebuild", "boot_panic",
        ]) else { return nil }
        var values = base
        if let entry = entries["panic_timeout"] { values.panicTimeout = entry.int(in: 0...86_400) }
        if let entry = entries["panic_timeout_policy"] { values.panicTimeoutPolicy = entry.choice(PanicTimeoutPolicy.self) ?? .exact }
        if let path = entries["dump_path"], let text = path.string() {
            if text.hasPrefix("/"), !text.contains(" ") { values.dumpPath = text } else { path.report("\"\(text)\" must be an absolute path without spaces") }
        }
        if let entry = entries["core_collector"] { values.coreCollector = entry.string() }
        if let entry = entries["disk_timeout"] { values.diskTimeout = entry.int(in: 0...3600) }
        if let entry = entries["blacklist"] { values.blacklist = entry.moduleList() ?? [] }
        if let entry = entries["extra_modules"] { values.extraModules = entry.moduleList() ?? [] }
        if let entry = entries["add_drivers"] { values.addDrivers = entry.moduleList() ?? [] }
        if let options = entries["module_options"], let map = options.stringMap() {
            for module in map.keys where !module.isModuleName { options.report("\"\(module)\" is not a kernel module name") }
            values.moduleOptions = map
        }
        if let append = entries["commandline_append"], let parameters = append.stringList() {
            for parameter in parameters where parameter.isEmpty || parameter.contains(where: \.isWhitespace) || parameter.contains("\"") {
                append.report("\"\(parameter)\" is not a single kernel parameter")
            }
            values.commandlineAppend = parameters
        }
        if let crash = entries["crashkernel"], let text = crash.string() {
            if text.isEmpty || text.contains(where: \.isWhitespace) { crash.report("\"\(text)\" is not a crashkernel= value") } else { values.crashkernel = text }
        }
        if let entry = entries["enable_service"] { values.enableService = entry.bool() }
        if let entry = entries["ensure_crashkernel"] { values.ensureCrashkernel = entry.bool() ?? false }
        if let entry = entries["force_no_rebuild"] { values.forceNoRebuild = entry.bool() ?? false }
        if let entry = entries["boot_panic"] { values.bootPanic = entry.bool() ?? false }
        // Rules between keys hold for the result, so an override is checked with the values it keeps;
        // reported at the key when it was given, else at the mapping, naming the key.
        func problem(_ key: String, _ message: String) {
            if let entry = entries[key] { entry.report(message) } else { cursor.report("\(key) \(message)") }
        }
        if values.ensureCrashkernel, values.crashkernel == nil { problem("ensure_crashkernel", "needs crashkernel: the value to add (or any, meaning auto)") }
        if values.bootPanic, values.panicTimeout == nil { problem("boot_panic", "needs panic_timeout: the seconds panic= waits") }
        if values.panicTimeoutPolicy == .exact, values.panicTimeout == 0 {
            problem("panic_timeout", "0 means never reboot after a panic; use a positive number of seconds")
        }
        return values
    }
}

extension String {
    var isProfileName: Bool {
        !isEmpty && unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}
