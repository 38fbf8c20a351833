import Guestfs

/// How `kdumpbake patch` runs.
public struct PatchOptions: Sendable {
    public enum Destination: Sendable, Equatable {
        /// Commit into the image itself (after everything verified).
        case inPlace
        /// Write a patched copy into this directory; the original is never opened for writing.
        case directory(String)
    }

    public var manifest: Manifest
    public var profileName: String?
    public var templates: TemplateSet
    public var destination: Destination
    public var dryRun: Bool
    public var launchPolicy: LaunchPolicy
    /// Bound on each mkdumprd run.
    public var rebuildTimeout: Duration

    public init(manifest: Manifest, profileName: String? = nil, templates: TemplateSet = .builtin(), destination: Destination,
                dryRun: Bool = false, launchPolicy: LaunchPolicy = LaunchPolicy(), rebuildTimeout: Duration = .seconds(900)) {
        self.manifest = manifest
        self.profileName = profileName
        self.templates = templates
        self.destination = destination
        self.dryRun = dryRun
        self.launchPolicy = launchPolicy
        self.rebuildTimeout = rebuildTimeout
    }

    var auditOptions: AuditOptions {
        AuditOptions(manifest: manifest, profileName: profileName, launchPolicy: launchPolicy)
    }
}
