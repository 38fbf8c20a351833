import Guestfs
import KdumpBakeCore

/// Runs an image's kdump initrd builds side by side in the appliance (`InitrdRebuildBatch`) and
/// reads back how each ended.
///
/// Bounds: each build has its own limit inside the guest (its whole process tree is killed
/// there, the others go on); the host watchdog kills the appliance only if the whole batch
/// outlives what its schedule allows or the rest of `--rebuild-budget`. Either way a failure
/// throws, and the caller discards the overlay, so the image is untouched.
struct RebuildBatchRunner {
    let handle: GuestfsHandle
    /// Builds that run at once: the appliance's vCPUs.
    let slots: Int
    /// Shows each build's start and end while the others still run.
    var progress: (String) -> Void

    /// Runs `rebuilds` (guest root mounted read-write) within `limit` each and the whole batch
    /// within what is left of `budget`; returns one result per build, in the plan's order.
    func run(_ rebuilds: [InitrdRebuild], limit: RebuildLimits.Limit, remainingBudget: Duration, budget: Duration) throws -> [InitrdRebuildResult] {
        try prepare(rebuilds, within: limit)
        let work = try handle.makeTemporaryDirectory("/.kdumpbake-rebuild-XXXXXX")
        defer { try? handle.removeRecursively(work) }
        let limitSeconds = max(1, Int(limit.duration.components.seconds))
        let batch = InitrdRebuildBatch(rebuilds: rebuilds, slots: slots, limitSeconds: limitSeconds, workDirectory: work)

        let markers = MarkerReader(rebuilds: rebuilds, progress: progress)
        let token = try handle.onEvents(.appliance) { markers.feed($0.message) }
        defer { handle.removeEventCallback(token) }
        // The batch's own schedule (rounds of `slots` builds, each within its limit, plus the
        // driver's polling) bounds it; the budget can only make that shorter.
        let rounds = (rebuilds.count + batch.slots - 1) / batch.slots
        let schedule = Duration.seconds(rounds * (limitSeconds + 5) + 30)
        let backstop = min(schedule, remainingBudget)
        switch try command(batch.arguments, killingTheApplianceAfter: backstop) {
        case .finished:
            break
        case .timedOut:
            let names = rebuilds.map(\.kernel).joined(separator: ", ")
            throw PatchError.stepFailed(backstop < schedule
                ? "the kdump initrd rebuilds (\(names)) took longer than --rebuild-budget \(budget.components.seconds) s; the appliance was stopped"
                : "the kdump initrd rebuilds (\(names)) did not finish within \(backstop.components.seconds) s; the appliance was stopped")
        case .failed(let message):
            throw PatchError.stepFailed("the kdump initrd rebuilds could not run: \(message)")
        }
        return try rebuilds.indices.map { index in try result(of: rebuilds[index], index: index, in: batch) }
    }

    /// Runs each distinct preparation once, in plan order, before any build starts, each within
    /// one build's limit (guest files it reads could be FIFOs that never end).
    private func prepare(_ rebuilds: [InitrdRebuild], within limit: RebuildLimits.Limit) throws {
        var done: Set<[String]> = []
        for rebuild in rebuilds {
            guard let preparation = rebuild.preparation, done.insert(preparation).inserted else { continue }
            let what = "preparing the \(rebuild.tool) configuration for \(rebuilds.map(\.kernel).joined(separator: ", "))"
            switch try command(preparation, killingTheApplianceAfter: limit.duration) {
            case .finished: break
            case .timedOut: throw PatchError.stepFailed("\(what) did not finish within \(limit); the appliance was stopped")
            case .failed(let message): throw PatchError.stepFailed("\(what) failed: \(message)")
            }
        }
    }

    /// How a guest command run under the appliance watchdog ended.
    private enum BoundedOutcome { case finished, failed(String), timedOut }

    /// Runs `arguments` in the guest; past `limit` the watchdog kills the appliance, which makes
    /// the call fail: that failure is told apart from the command's own.
    private func command(_ arguments: [String], killingTheApplianceAfter limit: Duration) throws -> BoundedOutcome {
        let watchdog = HypervisorWatchdog(pid: try handle.hypervisorPID(), after: limit)
        do {
            _ = try handle.command(arguments)
            watchdog.cancel()
            return .finished
        } catch let error as GuestfsError {
            return watchdog.cancel() == .fired ? .timedOut : .failed(error.message)
        }
    }

    /// Reads build `index`'s status line and the end of its log, then checks the initrd exists.
    private func result(of rebuild: InitrdRebuild, index: Int, in batch: InitrdRebuildBatch) throws -> InitrdRebuildResult {
        let status = try handle.isFile(batch.statusPath(index)) ? try handle.pread(batch.statusPath(index), count: 64) : []
        var tail: [UInt8] = []
        if try handle.isFile(batch.logPath(index)) {
            let size = try handle.lstat(batch.logPath(index)).size
            let count = Int(min(size, Int64(InitrdRebuildResult.outputLimit + 512)))
            tail = try handle.pread(batch.logPath(index), count: count, offset: size - Int64(count))
        }
        var result = InitrdRebuildResult(rebuild: rebuild, statusLine: String(decoding: status, as: UTF8.self), outputTail: tail)
        if result.outcome == .succeeded, !(try handle.isFile(rebuild.initrdPath)) {
            result.outcome = .failed
            result.problem = "succeeded but wrote no \(rebuild.initrdPath)"
        }
        return result
    }
}

/// Turns the driver's console markers into progress messages. Events arrive on the thread that
/// is blocked in `command`, one at a time, so no lock is needed.
private final class MarkerReader {
    let rebuilds: [InitrdRebuild]
    let progress: (String) -> Void
    var lines = ConsoleLines()

    init(rebuilds: [InitrdRebuild], progress: @escaping (String) -> Void) {
        self.rebuilds = rebuilds
        self.progress = progress
    }

    func feed(_ text: String) {
        lines.feed(Array(text.utf8)) { line in
            guard let marker = InitrdRebuildMarker.parse(ConsoleLines.boundedText(line)),
                  let message = marker.message(about: rebuilds) else { return }
            progress(message)
        }
    }
}
