import ArgumentParser
import KdumpBakeCommandSupport
import KdumpBakeCore

extension KdumpBakeCommand {
    /// `kdumpbake render`: the files a profile writes, for review, without any image.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the files the matching profile would write for a distro version (no image needed).",
            // Written out because --distro-version is optional to the parser (see oldDistroVersion).
            usage: "kdumpbake render [--manifest <file>] [--profile <name>] --distro <distro> --distro-version <version> [--arch <arch>] [--templates <dir>]"
        )

        @OptionGroup var manifest: ManifestOptions
        @OptionGroup var profile: ProfileOption

        @Option(name: .long, help: "Distro id as libguestfs names it (centos, rhel, rocky, almalinux, oraclelinux, debian, ubuntu, ...).")
        var distro: String

        /// Not `--version`: that is the root command's, which prints kdumpbake's own version.
        /// Optional only for the old name below; `validate` requires one of the two.
        @Option(name: .customLong("distro-version"), help: ArgumentHelp("Distro version, e.g. 6.4, 7.9, 12 or 22.04 (required).", valueName: "version"))
        var distroVersion: ParsedArgument<DistroVersion>?

        /// `--distro-version` under its old name, hidden. Without it an old `render --distro centos
        /// --version 6.4` would be taken for the root's `--version`: kdumpbake's own version on
        /// stdout and exit 0, where a script expects the rendered files.
        @Option(name: .customLong("version"), help: .private)
        var oldDistroVersion: ParsedArgument<DistroVersion>?

        @Option(name: .long, help: "Architecture.")
        var arch: String = "x86_64"

        @Option(name: .long, help: ArgumentHelp("Templates overriding the built-in ones.", valueName: "dir"),
                completion: .directory)
        var templates: String?

        /// The distro version asked for and the flag it came under (for messages); nil: neither.
        private var requestedVersion: (flag: String, argument: ParsedArgument<DistroVersion>)? {
            if let distroVersion { return ("--distro-version", distroVersion) }
            return oldDistroVersion.map { ("--version", $0) }
        }

        func validate() throws {
            if distroVersion != nil && oldDistroVersion != nil {
                throw ValidationError("--distro-version given twice (--version is its old name)")
            }
            if requestedVersion == nil { throw ValidationError("Missing expected argument '--distro-version <version>'") }
        }

        func run() throws {
            guard let (flag, requested) = requestedVersion else { return }  // refused by validate()
            guard let version = requested.value else {
                throw CommandFailure.input("\(flag) \(requested.text): not a version (examples: 6.4, 7)")
            }
            let loaded = try manifest.loadManifest()
            let chosen = profile.profile.flatMap(loaded.profile(named:)) ?? loaded.profile(forDistro: distro, version: version, arch: arch)
            guard let chosen else {
                throw CommandFailure.input("no profile in \(loaded.source) matches \(distro) \(version) \(arch)")
            }
            let files: [RenderedProfile.File]
            do {
                let set = try templates.map(TemplateSet.overriding(with:)) ?? .builtin()
                files = try RenderedProfile.files(for: chosen, templates: set, distro: distro, version: version)
            } catch {
                throw CommandFailure.input("\(error)")
            }
            for file in files {
                print("==> \(file.path) (\(file.strategy))\n\(file.text)")
            }
        }
    }
}
