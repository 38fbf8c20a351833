/// What a patch will do to one guest, decided from its facts and profile without touching it:
/// dry runs print it, the applier executes it in this order.
public struct PatchPlan: Sendable, Equatable {
    public var fileChanges: [FileChange] = []
    public var serviceLinks: [ServiceLink] = []
    public var initrdRebuilds: [InitrdRebuild] = []
    /// Stale kdump initrds removed so the kdump service rebuilds them at first boot (`initrd: invalidate`).
    public var initrdRemovals: [String] = []
    /// Kernels whose kdump initrd is already verified and newer than its inputs: left alone.
    public var initrdsUpToDate: [String] = []

    public init() {}

    public var isEmpty: Bool {
        fileChanges.isEmpty && serviceLinks.isEmpty && initrdRebuilds.isEmpty && initrdRemovals.isEmpty
    }
}

/// One configuration file rewritten.
public struct FileChange: Sendable, Equatable {
    public enum Strategy: String, Sendable, Equatable {
        /// The whole file is the rendered template.
        case replace
        /// A marked block is kept up to date; conflicting assignments elsewhere are commented out.
        case managedBlock = "managed-block"
        /// Single lines edited in place (crashkernel= appended to boot entries), nothing else touched.
        case lineEdit = "line-edit"
    }

    /// The path as the guest names it (what the diff shows).
    public var path: String
    /// Where the bytes are written: the symlink's target inside the guest when `path` is a link.
    public var writePath: String
    public var strategy: Strategy
    /// The current contents; nil when the file is new.
    public var old: [UInt8]?
    public var new: [UInt8]
}

/// A boot-time link that enables the kdump service.
public struct ServiceLink: Sendable, Equatable {
    public var link: String
    public var target: String
}

/// One run of the guest's own mkdumprd for one kernel, as argv: kernel versions come from the
/// guest and are hostile input, so no shell ever sees them.
public struct InitrdRebuild: Sendable, Equatable {
    public var kernel: String
    public var initrdPath: String
    public var arguments: [String]

    public init(kernel: String, initrdPath: String, arguments: [String]) {
        self.kernel = kernel
        self.initrdPath = initrdPath
        self.arguments = arguments
    }
}
