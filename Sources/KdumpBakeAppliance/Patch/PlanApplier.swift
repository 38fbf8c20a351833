import KdumpBakeCore
import Guestfs

/// Executes a plan on a guest mounted read-write in the appliance (always on an overlay or a
/// copy, never on the user's image directly: see `PatchTransaction`).
struct PlanApplier {
    let handle: GuestfsHandle
    /// Bound on one mkdumprd run: a real dracut-based one takes ~150 s per kernel under TCG.
    var rebuildTimeout: Duration = .seconds(900)
    /// All rebuilds of the image together: with `max_kernels`, what bounds a patch's time.
    var rebuildBudget: Duration = .seconds(3600)
    var log: (String) -> Void

    /// What applying did that the report must mention (e.g. a relabel fallback).
    struct Notes {
        var messages: [String] = []
        var needsRelabel = false
    }

    /// Performs the plan's operations in order, showing each one's step as it starts. The
    /// first failure stops it and throws; the caller discards the overlay, so nothing of a
    /// partly applied plan reaches the image.
    func apply(_ plan: PatchPlan) throws -> Notes {
        var run = Run(labels: SELinuxLabels(handle: handle), rebuildsPlanned: plan.initrdRebuilds.count)
        for operation in plan.operations {
            if let step = operation.progressStep { log(step) }
            try perform(operation, &run)
        }
        if run.notes.needsRelabel { try handle.write("/.autorelabel", text: "") }
        return run.notes
    }

    /// What one `apply` carries from one operation to the next.
    private struct Run {
        let labels: SELinuxLabels
        let rebuildsPlanned: Int
        var rebuildsStarted = 0
        /// Starts with the first rebuild: --rebuild-budget bounds the mkdumprd runs, not the writes before them.
        var rebuildLimits: RebuildLimits?
        var notes = Notes()
    }

    private func perform(_ operation: PatchOperation, _ run: inout Run) throws {
        switch operation {
        case .writeFile(let change):
            try writeReplacing(change, labels: run.labels, notes: &run.notes)
        case .linkService(let link):
            try handle.makeDirectories(GuestPath(link.link).directory)
            try handle.symlink(link.target, at: link.link)
        case .removeInitrd(let path):
            try handle.removeIfPresent(path)
        case .rebuildInitrd(let rebuild):
            try rebuildInitrd(rebuild, &run)
        case .keepInitrd:
            break
        }
    }

    /// One mkdumprd run within what is left of the budget, then the new initrd takes the label
    /// of its sibling initrds (mkdumprd in the appliance writes it unlabelled).
    private func rebuildInitrd(_ rebuild: InitrdRebuild, _ run: inout Run) throws {
        let limits = run.rebuildLimits ?? RebuildLimits(perRun: rebuildTimeout, budget: rebuildBudget, start: .now)
        run.rebuildLimits = limits
        guard let limit = limits.limit(at: .now) else {
            throw PatchError.stepFailed("the \(run.rebuildsPlanned) kdump initrd rebuilds took longer than --rebuild-budget \(rebuildBudget.components.seconds) s; \(run.rebuildsPlanned - run.rebuildsStarted) not done")
        }
        run.rebuildsStarted += 1
        try runBounded(rebuild, within: limit)
        if let label = try run.labels.label(siblingOf: rebuild.initrdPath, matching: { $0.hasPrefix("initr") && $0.hasSuffix(".img") }) {
            try handle.setExtendedAttribute(SELinuxLabels.attribute, label, of: rebuild.initrdPath)
        }
    }

    /// The virt-edit pattern: write a temporary file in the same directory, give it the original's
    /// owner, mode and extended attributes (the SELinux label among them), rename it over. The
    /// rename is atomic within the guest filesystem; a new file takes a sibling's label.
    private func writeReplacing(_ change: FileChange, labels: SELinuxLabels, notes: inout Notes) throws {
        let target = change.writePath
        let parts = GuestPath(target)
        let temporary = "\(parts.directory)/.kdumpbake-\(parts.name).tmp"
        try handle.makeDirectories(parts.directory)
        try handle.write(temporary, change.new)
        if change.old != nil {
            try handle.copyAttributes(from: target, to: temporary)
        } else {
            try handle.setPermissions(0o644, of: temporary)
            if let label = try labels.label(siblingOf: target, matching: { _ in true }) {
                try handle.setExtendedAttribute(SELinuxLabels.attribute, label, of: temporary)
            } else if try labels.guestUsesSELinux() {
                notes.needsRelabel = true
                notes.messages.append("\(change.path): no SELinux label could be derived from a sibling; /.autorelabel created, so the first boot relabels the filesystem (slow)")
            }
        }
        try handle.move(temporary, to: target)
    }

    /// Runs mkdumprd with argv under a watchdog: past the bound, the appliance is killed and the
    /// whole patch fails (the overlay is discarded, the image stays as it was).
    private func runBounded(_ rebuild: InitrdRebuild, within limit: RebuildLimits.Limit) throws {
        let watchdog = HypervisorWatchdog(pid: try handle.hypervisorPID(), after: limit.duration)
        do {
            _ = try handle.command(rebuild.arguments)
            watchdog.cancel()
        } catch let error as GuestfsError {
            if watchdog.cancel() == .fired {
                throw PatchError.stepFailed("\(rebuild.tool) for \(rebuild.kernel) did not finish within \(limit); the appliance was stopped")
            }
            throw PatchError.stepFailed("\(rebuild.tool) for \(rebuild.kernel) failed: \(error.message)")
        }
        guard try handle.isFile(rebuild.initrdPath) else {
            throw PatchError.stepFailed("\(rebuild.tool) for \(rebuild.kernel) succeeded but wrote no \(rebuild.initrdPath)")
        }
    }
}

/// Splits a guest path into directory and name (guest paths are not host paths: no Foundation).
struct GuestPath {
    let directory: String
    let name: String
    init(_ path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        name = String(parts.last ?? "")
        let dir = parts.dropLast().joined(separator: "/")
        directory = dir.isEmpty ? "/" : dir
    }
}
