import KdumpBakeCore
import Foundation
import Guestfs

/// Patches images one at a time, each all-or-nothing (see `PatchTransaction`).
public enum PatchRunner {
    public static func patch(_ paths: [String], options: PatchOptions, jobs: Int = 1, events: @escaping ProgressSink = { _ in }) -> [PatchReport] {
        // A patch killed with SIGKILL could not remove its overlay: clean up after it first.
        for directory in HostTemporaryDirectory.removeAbandoned(prefix: "kdumpbake-patch") {
            events(ProgressEvent(image: nil, kind: .message, step: "removed \(directory), left by a kdumpbake that was killed", elapsed: 0))
        }
        var options = options
        // The cores not used by other jobs go to mkdumprd (dracut) inside each appliance.
        options.applianceCPUs = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount / max(1, min(jobs, paths.count))))
        let clashing = outputClashes(paths, destination: options.destination, format: options.outputFormat)
        return ParallelRunner.map(paths, jobs: jobs) { [options] path in
            let clock = ProgressClock(image: path, sink: events)
            clock.emit(.started, "patching")
            let report = clashing.contains(path)
                ? PatchReport(path: path, status: .invalid, message: "\(path): another input has the same file name, and both would be written to the same --output file; image untouched")
                : PatchTransaction(path: path, options: options, progress: StepProgress(clock)).run()
            clock.emit(.finished, report.message, status: .patch(report.status))
            return report
        }
    }

    /// With `--output DIR`, inputs from different folders with the same file name would land on
    /// the same DIR/NAME, the later one silently replacing the first: all of them are refused.
    static func outputClashes(_ paths: [String], destination: PatchOptions.Destination, format: DiskImageFormat? = nil) -> Set<String> {
        guard case .directory = destination else { return [] }
        let byName = Dictionary(grouping: Set(paths), by: { OutputImageName.fileName(for: $0, format: format) })
        return Set(byName.values.filter { $0.count > 1 }.flatMap { $0 })
    }

}

/// One image's patch. Nothing is written to the image until every step and the verifying audit
/// have succeeded on a qcow2 overlay backed by it; then the overlay is committed into the image
/// (`--in-place`) or converted into a new file that is renamed into place (`--output`).
/// Any failure before that point discards the overlay: the image is byte-identical.
struct PatchTransaction {
    let path: String
    let options: PatchOptions
    /// Receives the steps (`log`) and how far each is.
    let progress: StepProgress

    private func log(_ step: String) { progress.step(step) }

    func run() -> PatchReport {
        do {
            return try patch()
        } catch let error as PatchError {
            switch error {
            case .notPatchable(let reason): return PatchReport(path: path, status: .invalid, message: "\(path): \(reason); image untouched")
            case .outputFailed(let reason): return PatchReport(path: path, status: .invalid, message: "\(path): \(reason); image untouched")
            case .unmatchedSkipped(let reason): return PatchReport(path: path, status: .skipped, message: "\(path): \(reason); skipped (unmatched: skip)")
            case .interrupted(let number):
                return PatchReport(path: path, status: .failed,
                                   message: "\(path): interrupted by signal \(number) before committing; image untouched")
            case .stepFailed, .rebuildFailed, .verificationFailed:
                var report = PatchReport(path: path, status: .failed, message: "\(path): \(error); image untouched")
                if case .verificationFailed(let findings) = error { report.findings = findings }
                if case .rebuildFailed(_, let rebuilds) = error { report.rebuilds = rebuilds }
                return report
            }
        } catch let error as DiskImageError {
            return PatchReport(path: path, status: .invalid, message: "\(error)")
        } catch let error as ApplianceError where error.isHostProblem {
            // The host cannot build an appliance at all (no kernel): an environment error, exit 2.
            return PatchReport(path: path, status: .invalid, message: "\(path): \(error); image untouched")
        } catch {
            if let number = Interruption.signal {
                return PatchReport(path: path, status: .failed, message: "\(path): interrupted by signal \(number) before committing; image untouched")
            }
            return PatchReport(path: path, status: .failed, message: "\(path): \(error); image untouched")
        }
    }

    private func patch() throws -> PatchReport {
        try Interruption.checkpoint()
        let lock = try ImageLock(path: path, mode: options.dryRun ? .shared : .exclusive)
        defer { withExtendedLifetime(lock) {} }
        try recoverInterruptedLanding()
        let format = try DiskImageFormat.detect(path: path)
        let damage = ContainerDamage.problems(path: path, format: format)
        guard damage.isEmpty else { throw PatchError.notPatchable(damage.joined(separator: "; ")) }
        let output = try outputPath()
        let work = try HostTemporaryDirectory(prefix: "kdumpbake-patch")
        let overlay = work.path + "/overlay.qcow2"
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path

        log("opening (\(format.rawValue))")
        if !options.dryRun { try QemuImg.createOverlay(overlay, backing: absolute, format: format) }
        let handle = try ApplianceLauncher.launch(policy: options.dryRun ? options.launchPolicy : options.launchPolicy.forInitrdBuilds,
                                                  log: progress.message) { handle in
            try GuestfsProgressRoute(progress).attach(to: handle)
            if options.dryRun {
                try handle.addDrive(absolute, DriveOptions(format: .init(format), readonly: true))
            } else {
                // The overlay is scratch until the landing, which reads it back through the page
                // cache and makes the image durable itself: the guest's flushes need not reach the disk.
                try handle.addDrive(overlay, DriveOptions(format: "qcow2", readonly: false, cachemode: .unsafe))
                try handle.setSMP(options.applianceCPUs)
            }
        }
        try Interruption.checkpoint()
        let guest = try GuestSession(handle: handle, path: path, options: options)
        guard let profile = guest.profile else {
            return PatchReport(path: path, status: .skipped, message: "\(path): \(guest.selection.message); skipped (unmatched: skip)")
        }
        var report = PatchReport(path: path, output: options.dryRun ? nil : output, status: .patched, message: "", profile: profile.name)

        log("checking against profile \(profile.name)")
        let before = GuestChecks.run(CheckContext(facts: try guest.facts(), profile: profile))
        if !before.contains(where: { $0.status.breaksCompliance }) {
            report.status = .alreadyCompliant
            report.output = nil
            report.findings = before
            report.message = "\(path): already compliant with \(profile.name); nothing written"
            // Asked for another format (an Azure VHD from a raw build): the unchanged guest is still converted.
            if let target = options.outputFormat, target != format, output != path, !options.dryRun {
                try handle.shutdown()
                try Interruption.checkpoint()
                log("writing \(output)")
                try Interruption.committing { try land(overlay: overlay, format: format, output: output, work: work.path) }
                report.output = output
                report.message = "\(path): already compliant with \(profile.name); written to \(output) as \(target.rawValue), unchanged"
            }
            return report
        }
        let plan = try PatchPlanner(templates: options.templates).plan(facts: try guest.facts(), profile: profile)
        report.changes = plan.descriptions
        report.diff = plan.diff
        if options.dryRun {
            report.status = .wouldPatch
            report.output = nil
            report.message = "\(path): dry run, \(plan.fileChanges.count) file(s) and \(plan.initrdRebuilds.count) initrd rebuild(s) planned; nothing written"
            return report
        }

        try Interruption.checkpoint()
        try guest.root.mount(on: handle, writable: true)
        var applier = PlanApplier(handle: handle, log: progress.step)
        applier.message = progress.message
        applier.rebuildTimeout = options.rebuildTimeout
        applier.rebuildBudget = options.rebuildBudget
        applier.rebuildSlots = options.rebuildJobs ?? options.applianceCPUs
        let notes = try applier.apply(plan)
        report.notes = notes.messages
        report.rebuilds = notes.rebuilds
        try handle.unmountAll()

        log("verifying")
        let after = GuestChecks.run(CheckContext(facts: try guest.rereadFacts(), profile: profile))
        report.findings = after
        let failures = after.filter { $0.status.breaksCompliance }
        guard failures.isEmpty else { throw PatchError.verificationFailed(failures) }
        try handle.shutdown()  // qemu closes the overlay: a write error surfaces here
        try Interruption.checkpoint()

        log(output == path ? "committing into the image" : "writing \(output)")
        try Interruption.committing { try land(overlay: overlay, format: format, output: output, work: work.path) }
        report.message = "\(path): patched with \(profile.name) and verified" + (output == path ? "" : "; written to \(output)")
        return report
    }

    /// The destination file: the image itself, or DIR/NAME (never the input).
    private func outputPath() throws -> String {
        guard case .directory(let directory) = options.destination else { return path }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DiskImageError(path: directory, message: "output directory does not exist")
        }
        let output = (directory as NSString).appendingPathComponent(OutputImageName.fileName(for: path, format: options.outputFormat))
        if URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath() == URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath() {
            throw DiskImageError(path: output, message: "--output would overwrite the input image; use --in-place for that")
        }
        try probeWritable(directory: directory, partial: partialPath(for: output))
        return output
    }

    /// The hidden file `--output` is written to before the rename: same directory, so the rename
    /// is atomic.
    private func partialPath(for output: String) -> String {
        ((output as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".\((output as NSString).lastPathComponent).kdumpbake-partial")
    }

    /// Creates and removes the partial file before any appliance starts, so an unwritable
    /// directory (read-only mount, immutable directory, no permission) fails at once with exit 2.
    /// `access(W_OK)` cannot tell: it says yes to root on a read-only filesystem's permissions.
    private func probeWritable(directory: String, partial: String) throws {
        var descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == EEXIST {  // left by a kdumpbake that was killed while writing
            unlink(partial)
            descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else {
            throw DiskImageError(path: directory, message: "output directory is not writable: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        unlink(partial)
    }

    /// A landing killed part-way left an undo journal: a writing patch (holding the exclusive
    /// lock) rolls the image back first and says so; a dry run, which must not write, refuses.
    private func recoverInterruptedLanding() throws {
        if options.dryRun {
            if UndoJournal.exists(for: path) { throw DiskImageError(path: path, message: UndoJournal.refusal(for: path)) }
            return
        }
        switch try UndoJournal.recover(image: path) {
        case .nothingToDo: break
        case .removedUnfinishedJournal:
            progress.message("removed an unfinished undo journal: an earlier --in-place commit was stopped before it wrote anything")
        case .rolledBack(let ranges, let bytes):
            progress.message("rolled back an interrupted --in-place commit (\(ranges) ranges, \(bytes) bytes restored): the image is as it was before it")
        }
    }

    /// The only step that writes the user's files. `--output`: convert into a hidden partial file
    /// in the same directory, fsync, rename (atomic). `--in-place`: `InPlaceCommit` (an undo
    /// journal makes it all-or-nothing across crashes).
    private func land(overlay: String, format: DiskImageFormat, output: String, work: String) throws {
        if output == path {
            try InPlaceCommit.land(overlay: overlay, image: path, format: format, work: work, progress: progress.report(fraction:)) { stage in
                // The one moment the image starts changing; its undo journal is on disk by then.
                if case .applying(index: 0, _) = stage { log("committing into the image: writing (undo journal \(UndoJournal.path(for: path)))") }
            }
        } else {
            let partial = partialPath(for: output)
            let target = options.outputFormat ?? format
            do {
                if target == .vhd, target != format {
                    // Azure takes whole MiB only; the input's own VHD size is kept as it is (vhd.format judges it).
                    let size = try QemuImg.virtualSize(ofOverlay: overlay)
                    let rounded = AzureVHDSize.roundedUp(size)
                    if rounded != size {
                        progress.message("virtual size \(size) bytes rounded up to \(rounded) (\(rounded >> 20) MiB): Azure takes whole MiB only; the disk gains \(rounded - size) zero bytes at its end")
                        try QemuImg.resize(overlay: overlay, to: rounded)
                    }
                }
                try QemuImg.convert(overlay, to: partial, format: target, progress: progress.report(fraction:))
                try RawFile(path: partial, access: .read).sync()
                guard rename(partial, output) == 0 else { throw DiskImageError(path: output, errno: errno) }
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw PatchError.outputFailed("writing \(output) failed: \(error); no partial output left")
            }
        }
        if (output == path ? format : options.outputFormat ?? format) == .vhd {
            let footer = try VHDFooter.read(path: output)
            guard footer.checksumIsValid, footer.diskType == .fixed || footer.diskType == .dynamic else {
                throw PatchError.stepFailed("\(output): the VHD footer is not valid after writing")
            }
        }
    }
}
