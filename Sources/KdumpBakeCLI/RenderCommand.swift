import ArgumentParser
import KdumpBakeCore
import KdumpBakeAppliance

extension KdumpBakeCommand {
    /// `kdumpbake render`: the files a profile writes, for review, without any image.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the files the matching profile would write for a distro version (no image needed)."
        )

        @OptionGroup var options: ManifestOptions

        @Option(name: .long, help: "Distro id as libguestfs names it (centos, rhel, rocky, almalinux, oraclelinux…).")
        var distro: String

        @Option(name: .long, help: ArgumentHelp("Distro version, e.g. 6.4 or 7.9.", valueName: "version"))
        var version: String

        @Option(name: .long, help: "Architecture.")
        var arch: String = "x86_64"

        @Option(name: .long, help: ArgumentHelp("Templates overriding the built-in ones.", valueName: "dir"))
        var templates: String?

        func run() throws {
            guard let parsed = DistroVersion(parsing: version) else {
                say("--version \(version): not a version (examples: 6.4, 7)")
                throw ExitCode(2)
            }
            let manifest = try options.loadManifest()
            let profile = options.profile.flatMap(manifest.profile(named:)) ?? manifest.profile(forDistro: distro, version: parsed, arch: arch)
            guard let profile else {
                say("no profile in \(manifest.source) matches \(distro) \(parsed) \(arch)")
                throw ExitCode(2)
            }
            do {
                let set = try templates.map(TemplateSet.overriding(with:)) ?? .builtin()
                for file in try RenderedProfile.files(for: profile, templates: set) {
                    print("==> \(file.path) (\(file.strategy))\n\(file.text)")
                }
            } catch {
                say("\(error)")
                throw ExitCode(2)
            }
        }
    }
}
