/// A problem in a manifest, located by file, line and key:
/// `manifest.yaml:14: profiles[1].match.versions: "6.x" is not a version range`.
public struct ManifestError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    /// The key path, as written in the manifest: `profiles[1].match.versions`; empty for the file.
    public var key: String
    public var message: String

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }
}

/// Every problem found in one manifest: validation does not stop at the first.
public struct ManifestErrors: Error, Equatable, Sendable, CustomStringConvertible {
    public var errors: [ManifestError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
