import ArgumentParser
import Foundation
import KdumpBakeCommandSupport
import KdumpBakeCore

/// `--packer-manifest FILE [--packer-build NAME]`: the images are the artifact files Packer's
/// `manifest` post-processor recorded for its last run, so a template hands them over by itself.
struct PackerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Patch the files of the last run recorded in this Packer manifest (packer-manifest.json).", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var packerManifest: String?

    @Option(name: .long, help: ArgumentHelp("With --packer-manifest: only this build's files (the build's name in the template).", valueName: "name"))
    var packerBuild: String?

    func validate() throws {
        if packerBuild != nil && packerManifest == nil { throw ValidationError("--packer-build needs --packer-manifest") }
    }

    /// The images the manifest names, or nil without `--packer-manifest`.
    func images() throws -> [String]? {
        guard let path = packerManifest else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure.input("\(path): cannot be read")
        }
        do {
            let manifest = try PackerManifest(json: data, path: path)
            return try manifest.images(build: packerBuild)
        } catch {
            throw CommandFailure.input(error.description)
        }
    }
}
