/// Which distro versions get which profile, and which images a run covers.
///
/// Kept in git next to an image pipeline; kdumpbake ships a built-in one (`Manifest.builtin`).
public struct Manifest: Equatable, Sendable {
    /// The schema version; only 1 exists.
    public var version: Int
    /// Image paths or globs, relative to the manifest's directory. CLI arguments override them.
    public var images: [String]
    /// What to do with an image no profile matches.
    public var unmatched: UnmatchedPolicy
    public var profiles: [Profile]
    /// Where the manifest came from (a path, or `<built-in>`), for messages.
    public var source: String

    public init(version: Int = 1, images: [String] = [], unmatched: UnmatchedPolicy = .fail, profiles: [Profile], source: String) {
        self.version = version
        self.images = images
        self.unmatched = unmatched
        self.profiles = profiles
        self.source = source
    }

    /// The first profile, in manifest order, that matches and is not opt-in.
    public func profile(forDistro distro: String, version: DistroVersion, arch: String) -> Profile? {
        profiles.first { !$0.optIn && $0.match.matches(distro: distro, version: version, arch: arch) }
    }

    public func profile(named name: String) -> Profile? {
        profiles.first { $0.name == name }
    }
}

public enum UnmatchedPolicy: String, Equatable, Sendable, CaseIterable {
    /// An image no profile matches is an error (exit 2 from audit and patch).
    case fail
    /// It is reported as skipped and does not affect the exit code.
    case skip
}
