import Foundation

/// The artifact files of a Packer build, read from the `packer-manifest.json` that Packer's
/// `manifest` post-processor writes, so a pipeline hands kdumpbake what Packer built instead of
/// repeating paths by hand.
///
/// The manifest accumulates every run (`builds`, each tagged with its `packer_run_uuid`) and names
/// the latest (`last_run_uuid`): only the latest run's builds count, optionally only the one named
/// `--packer-build`. Relative file names are Packer's working directory's, which is where the
/// post-processor writes the manifest by default, so they are taken relative to the manifest.
public struct PackerManifest: Sendable, Equatable {
    public struct Build: Sendable, Equatable {
        public var name: String
        public var runID: String
        public var files: [String]
    }

    public var builds: [Build]
    public var lastRunID: String?
    /// The manifest file: errors name it, and relative file names are taken against its directory.
    public var path: String

    /// Parses the manifest's JSON read from the file at `path`.
    public init(json data: Data, path: String) throws(PackerManifestError) {
        self.path = path
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PackerManifestError(path: path, message: "is not a Packer manifest (expected a JSON object)")
        }
        guard let builds = top["builds"] as? [[String: Any]] else {
            throw PackerManifestError(path: path, message: "has no builds list (is it the manifest post-processor's output?)")
        }
        self.lastRunID = top["last_run_uuid"] as? String
        self.builds = try builds.enumerated().map { index, build throws(PackerManifestError) in
            guard let name = build["name"] as? String else {
                throw PackerManifestError(path: path, message: "builds[\(index)] has no name")
            }
            let files = (build["files"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            return Build(name: name, runID: build["packer_run_uuid"] as? String ?? "", files: files)
        }
    }

    /// The image files of the last run's builds (of `buildName` only, when given), in the
    /// manifest's order, relative names resolved against the manifest's directory.
    public func images(build buildName: String?) throws(PackerManifestError) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let lastRun = builds.filter { $0.runID == lastRunID }
        guard !lastRun.isEmpty else {
            throw PackerManifestError(path: path, message: "lists no build of its last run (last_run_uuid \(lastRunID ?? "missing"))")
        }
        var chosen = lastRun
        if let buildName {
            chosen = lastRun.filter { $0.name == buildName }
            guard !chosen.isEmpty else {
                let names = lastRun.map(\.name).joined(separator: ", ")
                throw PackerManifestError(path: path, message: "has no build \"\(buildName)\" in its last run (builds: \(names))")
            }
        }
        let files = chosen.flatMap(\.files)
        guard !files.isEmpty else {
            throw PackerManifestError(path: path, message: "the last run's build lists no files (does the builder write a disk image?)")
        }
        return files.map { $0.hasPrefix("/") || directory.isEmpty ? $0 : directory + "/" + $0 }
    }
}

/// A Packer manifest that cannot be used, as one line: `FILE: PROBLEM`.
public struct PackerManifestError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
