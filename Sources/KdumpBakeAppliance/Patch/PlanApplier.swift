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
    /// How many kdump initrds are built at once: the appliance's vCPUs (`PatchOptions.applianceCPUs`).
    var rebuildSlots = 1
    /// Steps: one per operation as it starts.
    var log: (String) -> Void
    /// Messages within a step: each kernel's build starting and ending.
    var message: (String) -> Void = { _ in }

    /// What applying did that the report must mention (e.g. a relabel fallback).
    struct Notes {
        var messages: [String] = []
        var needsRelabel = false
        /// How each kdump initrd build ended, in the plan's order.
        var rebuilds: [InitrdRebuildResult] = []
    }

    /// Performs the plan's operations in order, showing each one's step as it starts. Builds
    /// next to each other in the plan run as one batch, side by side. The first failure stops it
    /// and throws; the caller discards the overlay, so nothing of a partly applied plan reaches
    /// the image.
    func apply(_ plan: PatchPlan) throws -> Notes {
        var run = Run(labels: SELinuxLabels(handle: handle))
        var batch: [InitrdRebuild] = []
        for operation in plan.operations {
            if case .rebuildInitrd(let rebuild) = operation {
                batch.append(rebuild)
                continue
            }
            if !batch.isEmpty { try rebuildInitrds(batch, &run); batch = [] }
            if let step = operation.progressStep { log(step) }
            try perform(operation, &run)
        }
        if !batch.isEmpty { try rebuildInitrds(batch, &run) }
        if run.notes.needsRelabel { try handle.write("/.autorelabel", text: "") }
        return run.notes
    }

    /// What one `apply` carries from one operation to the next.
    private struct Run {
        let labels: SELinuxLabels
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
            try rebuildInitrds([rebuild], &run)
        case .keepInitrd:
            break
        }
    }

    /// The builds side by side within what is left of the budget; then each new initrd takes the
    /// label of its sibling initrds (mkdumprd in the appliance writes it unlabelled).
    private func rebuildInitrds(_ rebuilds: [InitrdRebuild], _ run: inout Run) throws {
        let limits = run.rebuildLimits ?? RebuildLimits(perRun: rebuildTimeout, budget: rebuildBudget, start: .now)
        run.rebuildLimits = limits
        guard let limit = limits.limit(at: .now) else {
            throw PatchError.stepFailed("the kdump initrd rebuilds took longer than --rebuild-budget \(rebuildBudget.components.seconds) s; \(rebuilds.map(\.kernel).joined(separator: ", ")) not done")
        }
        let slots = min(rebuildSlots, rebuilds.count)
        log(rebuilds.count == 1 ? "rebuilding kdump initrd for \(rebuilds[0].kernel)"
            : "rebuilding \(rebuilds.count) kdump initrds (\(rebuilds.map(\.kernel).joined(separator: ", "))), \(slots) at a time")
        let runner = RebuildBatchRunner(handle: handle, slots: slots, progress: message)
        let results = try runner.run(rebuilds, limit: limit, remainingBudget: limits.remaining(at: .now), budget: rebuildBudget)
        run.notes.rebuilds += results
        if let failure = InitrdRebuildResult.failureMessage(results, limit: limit.description) {
            throw PatchError.rebuildFailed(failure, run.notes.rebuilds)
        }
        for rebuild in rebuilds {
            if let label = try run.labels.label(siblingOf: rebuild.initrdPath, matching: { $0.hasPrefix("initr") && $0.hasSuffix(".img") }) {
                try handle.setExtendedAttribute(SELinuxLabels.attribute, label, of: rebuild.initrdPath)
            }
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
