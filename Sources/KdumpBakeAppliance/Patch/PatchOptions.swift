import KdumpBakeCore
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
    /// With `.directory`: write the copy in this format (`--output-format`); nil: the input's. A VHD
    /// is written fixed, its virtual size rounded up to a whole MiB as Azure requires.
    public var outputFormat: DiskImageFormat?
    public var dryRun: Bool
    public var launchPolicy: LaunchPolicy
    /// Bound on each mkdumprd run.
    public var rebuildTimeout: Duration
    /// Bound on all of an image's mkdumprd runs together.
    public var rebuildBudget: Duration = .seconds(3600)
    /// vCPUs per patch appliance (`set_smp`). Measured under TCG on 2 cores: launch time is the
    /// same with 1 or 2, CPU-bound work in the guest runs ~2x faster with 2 when it is parallel
    /// (two gzip -c of 40 MB: 13.5 s → 6.8 s). `PatchRunner` sets cores / jobs.
    public var applianceCPUs: Int = 1
    /// kdump initrds built at once in one appliance; nil: `applianceCPUs` (one build per vCPU:
    /// dracut and mkinitramfs are CPU-bound under TCG, so more would only share the same vCPUs).
    public var rebuildJobs: Int?

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
