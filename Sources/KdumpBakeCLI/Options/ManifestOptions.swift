import ArgumentParser
import Foundation
import KdumpBakeCommandSupport
import KdumpBakeCore

/// `--manifest`: which manifest to use, and the images it lists.
struct ManifestOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Manifest file (YAML). Default: the built-in manifest (kdumpbake profiles).", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var manifest: String?

    /// The manifest to use; errors name the file, line and key.
    func loadManifest() throws -> Manifest {
        guard let manifest else { return Manifest.builtin() }
        do {
            return try Manifest.load(path: manifest)
        } catch let errors as ManifestErrors {
            throw CommandFailure(.input, lines: errors.errors.map(\.description))
        }
    }

    /// Images from the command line, or else the manifest's `images` (relative to the manifest,
    /// globs expanded, sorted).
    ///
    /// URLs are refused here: only `audit` reads images in place (`RemoteImageOptions`); every
    /// other command works on a local file.
    func images(arguments: [String], manifest: Manifest) throws -> [String] {
        try Self.refuseURLs(arguments)
        if !arguments.isEmpty { return arguments }
        guard let manifestPath = self.manifest, !manifest.images.isEmpty else {
            throw CommandFailure.input("no images given: name them on the command line or in the manifest's images:")
        }
        let base = (manifestPath as NSString).deletingLastPathComponent
        var paths: [String] = []
        for pattern in manifest.images {
            let absolute = pattern.hasPrefix("/") ? pattern : (base.isEmpty ? pattern : base + "/" + pattern)
            let matches = HostGlob.expand(absolute)
            if matches.isEmpty {
                throw CommandFailure.input("\(manifestPath): images: \"\(pattern)\" matches no file")
            }
            paths += matches
        }
        return paths
    }

    /// One line for the first URL among `arguments`, for every command but `audit`: they work on
    /// a local file. The query is never shown.
    static func refuseURLs(_ arguments: [String]) throws {
        guard let url = arguments.first(where: RemoteImageURL.looksLikeURL) else { return }
        let name = (try? RemoteImageURL(url))?.redacted ?? "a URL argument"
        throw CommandFailure.input("\(name): this command works on local image files only (download the image first, e.g. with azcopy or curl -o); only audit reads images in place over HTTP")
    }
}
