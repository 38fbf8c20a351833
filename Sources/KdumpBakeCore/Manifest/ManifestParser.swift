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
        guard let top = root.mapping(allowed: ["version", "images", "unmatched", "profiles"]) else { return nil }
        if let version = root.require(top, "version"), let number = version.int(in: 0...Int.max), number != 1 {
            version.report("unsupported manifest version \(number); this kdumpbake reads version 1")
        }
        let images = top["images"]?.stringList() ?? []
        let unmatched = top["unmatched"]?.choice(UnmatchedPolicy.self) ?? .fail
        var profiles: [Profile] = []
        if let list = root.require(top, "profiles")?.sequence() {
            if list.isEmpty { top["profiles"]?.report("must list at least one profile") }
            profiles = list.compactMap(profile)
            var seen = Set<String>()
            for (cursor, profile) in zip(list, profiles) where !seen.insert(profile.name).inserted {
                cursor.report("profile name \"\(profile.name)\" is used twice")
            }
        }
        return Manifest(version: 1, images: images, unmatched: unmatched, profiles: profiles, source: file)
    }

    private func profile(_ cursor: YAMLCursor) -> Profile? {
        guard let entries = cursor.mapping(allowed: ["name", "description", "family", "match", "opt_in", "values", "initrd", "kernels", "max_kernels", "files", "kdump"]) else { return nil }
        let name = cursor.require(entries, "name")?.string()
        if let name, !name.isProfileName {
            entries["name"]?.report("\"\(name)\" is not a profile name (letters, digits, '-', '_', '.')")
        }
        let family = cursor.require(entries, "family")?.choice(KdumpFamily.self)
        let match = cursor.require(entries, "match").flatMap(self.match)
        let values = entries["values"].map(self.values) ?? ProfileValues()
        let optIn = entries["opt_in"]?.bool() ?? false
        let initrd = entries["initrd"]?.choice(InitrdPolicy.self) ?? .rebuild
        let kdump = entries["kdump"]?.choice(KdumpPolicy.self) ?? .enabled
        if kdump == .disabled, let values {
            if values.panicTimeout == nil { entries["kdump"]?.report("disabled needs values.panic_timeout: a panic-only profile's whole point is the reboot") }
            let contradicting = [("enable_service", values.enableService == true), ("ensure_crashkernel", values.ensureCrashkernel),
                                 ("extra_modules", !values.extraModules.isEmpty), ("add_drivers", !values.addDrivers.isEmpty)]
            for (key, set) in contradicting where set {
                entries["kdump"]?.report("disabled contradicts values.\(key): a panic-only profile leaves kdump alone")
            }
        }
        let kernels = entries["kernels"]?.choice(KernelSelection.self) ?? .all
        let maxKernels = entries["max_kernels"]?.int(in: 1...Profile.maxKernelsLimit) ?? Profile.defaultMaxKernels
        let files = entries["files"].map(self.files) ?? FileStrategies()
        if let family, family == .kdumpTools || family == .sles, let values {
            // kdump.conf values: these families have no kdump.conf, so they would silently do nothing.
            let unused = [("blacklist", !values.blacklist.isEmpty), ("module_options", !values.moduleOptions.isEmpty),
                          ("disk_timeout", values.diskTimeout != nil), ("core_collector", values.coreCollector != nil),
                          ("add_drivers", !values.addDrivers.isEmpty), ("force_no_rebuild", values.forceNoRebuild)]
            for (key, set) in unused where set {
                entries["values"]?.report("\(key) has no effect on \(family.rawValue) (a kdump.conf value); name drivers with extra_modules")
            }
        } else if let family, KexecToolsRelease.deprecatedDirectives(family).contains("disk_timeout"), let values, values.diskTimeout != nil {
            entries["values"]?.report("disk_timeout is fatal on \(family.rawValue): kdumpctl refuses to start (\"Deprecated kdump config option\")")
        }
        if family == .el6, values?.forceNoRebuild == true {
            entries["values"]?.report("force_no_rebuild is not a kdump.conf directive on el6 (mkdumprd stops with \"Unknown parameter\")")
        }
        guard let name, let family, let match, let values else { return nil }
        var profile = Profile(name: name, description: entries["description"]?.string() ?? "", family: family, match: match,
                              optIn: optIn, values: values, initrd: initrd, kernels: kernels, maxKernels: maxKernels, files: files)
        profile.kdump = kdump
        return profile
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

    private func values(_ cursor: YAMLCursor) -> ProfileValues? {
        guard let entries = cursor.mapping(allowed: [
            "panic_timeout", "panic_timeout_policy", "dump_path", "core_collector", "disk_timeout", "blacklist",
            "extra_modules", "add_drivers", "module_options", "commandline_append", "crashkernel", "ensure_crashkernel", "enable_service",
            "force_no_rebuild", "boot_panic",
        ]) else { return nil }
        var values = ProfileValues()
        values.panicTimeout = entries["panic_timeout"]?.int(in: 0...86_400)
        values.panicTimeoutPolicy = entries["panic_timeout_policy"]?.choice(PanicTimeoutPolicy.self) ?? .exact
        if let path = entries["dump_path"], let text = path.string() {
            if text.hasPrefix("/"), !text.contains(" ") { values.dumpPath = text } else { path.report("\"\(text)\" must be an absolute path without spaces") }
        }
        values.coreCollector = entries["core_collector"]?.string()
        values.diskTimeout = entries["disk_timeout"]?.int(in: 0...3600)
        values.blacklist = entries["blacklist"]?.moduleList() ?? []
        values.extraModules = entries["extra_modules"]?.moduleList() ?? []
        values.addDrivers = entries["add_drivers"]?.moduleList() ?? []
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
        values.enableService = entries["enable_service"]?.bool()
        values.ensureCrashkernel = entries["ensure_crashkernel"]?.bool() ?? false
        values.forceNoRebuild = entries["force_no_rebuild"]?.bool() ?? false
        if values.ensureCrashkernel, values.crashkernel == nil {
            entries["ensure_crashkernel"]?.report("needs crashkernel: the value to add (or any, meaning auto)")
        }
        values.bootPanic = entries["boot_panic"]?.bool() ?? false
        if values.bootPanic, values.panicTimeout == nil {
            entries["boot_panic"]?.report("needs panic_timeout: the seconds panic= waits")
        }
        if values.panicTimeoutPolicy == .exact, values.panicTimeout == 0 {
            entries["panic_timeout"]?.report("0 means never reboot after a panic; use a positive number of seconds")
        }
        return values
    }
}

extension String {
    var isProfileName: Bool {
        !isEmpty && unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}
