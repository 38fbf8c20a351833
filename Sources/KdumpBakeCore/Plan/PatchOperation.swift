/// One step of a patch, as a value: what it changes in the guest, decided without touching it.
/// The planner lists them in the order they must run; the appliance's `PlanApplier` performs
/// them in that order; the reports (text, JSON, --dry-run diff) describe them by walking the
/// same list. One list for the three keeps them from disagreeing on what happens, or in which
/// order (the way virt-customize keeps its `ops`).
public enum PatchOperation: Sendable, Equatable {
    /// Rewrite one configuration file: kdump.conf, sysctl, sysconfig, or a boot entry's
    /// `crashkernel=` (a `.lineEdit`, written like any other file).
    case writeFile(FileChange)
    /// Create a boot-time link that enables the kdump service.
    case linkService(ServiceLink)
    /// Delete a stale kdump initrd so the kdump service rebuilds it at first boot (`initrd: invalidate`).
    case removeInitrd(path: String)
    /// Run the guest's own mkdumprd for one kernel.
    case rebuildInitrd(InitrdRebuild)
    /// Leave a kdump initrd that is verified and newer than its inputs as it is. Changes
    /// nothing; it is in the list so the report says why that kernel was not rebuilt.
    case keepInitrd(kernel: String)
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

    /// What `chkconfig kdump on` creates in one runlevel (el6); 26 is kdump's start priority.
    static func sysV(runlevel: Int) -> ServiceLink {
        ServiceLink(link: "/etc/rc.d/rc\(runlevel).d/S26kdump", target: "../init.d/kdump")
    }

    /// What `systemctl enable kdump` creates (el7+).
    static let systemd = ServiceLink(link: GuestPaths.kdumpWantsLink, target: "/usr/lib/systemd/system/kdump.service")
}

/// One run of the guest's own mkdumprd for one kernel, as argv: kernel versions come from the
/// guest and are hostile input, so no shell ever sees them.
public struct InitrdRebuild: Sendable, Equatable {
    public var kernel: String
    /// What mkdumprd must have written when it succeeds (checked, then labelled).
    public var initrdPath: String
    public var arguments: [String]
    /// A command to run once before the image's builds, shared by all that name the same argv
    /// (kdump-tools' configuration copy): the builds run side by side and only read what it makes.
    public var preparation: [String]?
    /// What the report shows instead of the whole argv, when that argv is a fixed script
    /// (kdump-tools' bake): `mkinitramfs … for KVER`.
    public var summary: String?
    /// The builder's name for messages (`mkdumprd for KVER failed`): argv[0]'s base name unless given.
    public var tool: String

    public init(kernel: String, initrdPath: String, arguments: [String], preparation: [String]? = nil, summary: String? = nil, tool: String? = nil) {
        self.kernel = kernel
        self.initrdPath = initrdPath
        self.arguments = arguments
        self.preparation = preparation
        self.summary = summary
        self.tool = tool ?? String(arguments.first?.split(separator: "/").last ?? "mkdumprd")
    }
}

extension PatchOperation {
    /// The line the report lists (`changes` in JSON, the indented lines of the text report):
    /// `write /etc/kdump.conf (replace)`, `run /sbin/mkdumprd -d -f … KVER`.
    public var reportLine: String {
        switch self {
        case .writeFile(let change): "write \(change.path) (\(change.strategy.rawValue)\(change.old == nil ? ", new file" : ""))"
        case .linkService(let link): "link \(link.link) -> \(link.target)"
        case .removeInitrd(let path): "remove \(path) (rebuilt by the kdump service at first boot)"
        case .rebuildInitrd(let rebuild): "run " + (rebuild.summary ?? rebuild.arguments.map(ShellQuoting.quote).joined(separator: " "))
        case .keepInitrd(let kernel): "keep the kdump initrd of \(kernel) (verified, newer than its inputs)"
        }
    }

    /// The step the progress shows when the operation starts; nil when it does nothing.
    /// Tests and users wait on these lines (`rebuilding kdump initrd`), so they stay stable.
    public var progressStep: String? {
        switch self {
        case .writeFile(let change): "writing \(change.path) (\(change.strategy.rawValue))"
        case .linkService(let link): "enabling kdump at boot: \(link.link) -> \(link.target)"
        case .removeInitrd(let path): "removing \(path): the kdump service rebuilds it at first boot"
        case .rebuildInitrd(let rebuild): "rebuilding kdump initrd for \(rebuild.kernel)"
        case .keepInitrd: nil
        }
    }

    /// The unified diff of a file write, labelled `a/PATH` and `b/PATH`; nil for the rest.
    public var diff: String? {
        guard case .writeFile(let change) = self else { return nil }
        return UnifiedDiff.render(old: change.old ?? [], new: change.new, oldLabel: "a\(change.path)", newLabel: "b\(change.path)")
    }

    /// False only for what the report mentions without doing anything.
    public var changesTheGuest: Bool {
        if case .keepInitrd = self { return false }
        return true
    }
}
