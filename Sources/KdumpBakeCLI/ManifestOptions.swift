import ArgumentParser
import Foundation
import Guestfs
import KdumpBakeCore
import KdumpBakeAppliance

/// Options every image command shares: which manifest, which profile, how to start the appliance.
struct ManifestOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Manifest file (YAML). Default: the built-in manifest (kdumpbake profiles).", valueName: "file"))
    var manifest: String?

    @Option(name: .long, help: ArgumentHelp("Use this profile for every image instead of matching (opt-in profiles need it).", valueName: "name"))
    var profile: String?

    @Flag(name: .long, help: "Run the appliance under TCG (software emulation) without trying KVM first.")
    var tcg = false

    /// The manifest to use; errors name the file, line and key.
    func loadManifest() throws -> Manifest {
        guard let manifest else { return Manifest.builtin() }
        do {
            return try Manifest.load(path: manifest)
        } catch let errors as ManifestErrors {
            for error in errors.errors { say(error.description) }
            throw ExitCode(2)
        }
    }

    var launchPolicy: LaunchPolicy {
        LaunchPolicy.fromEnvironment(ProcessInfo.processInfo.environment, forceTCG: tcg)
    }

    /// Images from the command line, or else the manifest's `images` (relative to the manifest,
    /// globs expanded, sorted).
    func images(arguments: [String], manifest: Manifest) throws -> [String] {
        if !arguments.isEmpty { return arguments }
        guard let manifestPath = self.manifest, !manifest.images.isEmpty else {
            say("no images given: name them on the command line or in the manifest's images:")
            throw ExitCode(2)
        }
        let base = (manifestPath as NSString).deletingLastPathComponent
        var paths: [String] = []
        for pattern in manifest.images {
            let absolute = pattern.hasPrefix("/") ? pattern : (base.isEmpty ? pattern : base + "/" + pattern)
            let matches = HostGlob.expand(absolute)
            if matches.isEmpty {
                say("\(manifestPath): images: \"\(pattern)\" matches no file")
                throw ExitCode(2)
            }
            paths += matches
        }
        return paths
    }
}

/// Host-side glob(3), for the manifest's image patterns.
enum HostGlob {
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
