import Foundation
import KdumpBakeCore

/// One image's drill as the command reports it: a verdict, or why the drill could not run
/// (an input error: exit 2, and nothing was booted).
public struct DrillRun: Sendable {
    public var path: String
    public var report: DrillReport?
    public var inputError: String?
}

/// `kdumpbake drill`: boots a throw-away copy of each image, crashes it once kdump is armed, and
/// reports what happened. The image itself is never written: everything happens on a qcow2
/// overlay in a private temporary directory, under a shared lock, and the overlay is discarded.
public enum DrillRunner {
    /// Images are drilled one after another: each VM already gets the cores it is given (`--cpus`).
    public static func drill(_ paths: [String], options: DrillOptions, events: @escaping ProgressSink = { _ in }) -> [DrillRun] {
        // A drill killed with SIGKILL could not remove its overlay: clean up after it first.
        for directory in HostTemporaryDirectory.removeAbandoned(prefix: "kdumpbake-drill") {
            events(ProgressEvent(image: nil, kind: .message, step: "removed \(directory), left by a kdumpbake that was killed", elapsed: 0))
        }
        return paths.map { path in
            let clock = ProgressClock(image: path, sink: events)
            clock.emit(.started, "drilling")
            let run = drill(path, options: options, progress: StepProgress(clock))
            clock.emit(.finished, run.report.map { "\($0.verdict.rawValue): \($0.reason)" } ?? run.inputError ?? "")
            return run
        }
    }

    static func drill(_ path: String, options: DrillOptions, progress: StepProgress) -> DrillRun {
        do {
            return DrillRun(path: path, report: try DrillSession(path: path, options: options, progress: progress).run())
        } catch let error as DrillError {
            return DrillRun(path: path, inputError: "\(path): \(error); image untouched")
        } catch let error as DiskImageError {
            return DrillRun(path: path, inputError: "\(error)")
        } catch {
            if let number = Interruption.signal {
                return DrillRun(path: path, inputError: "\(path): interrupted by signal \(number); image untouched, overlay removed")
            }
            return DrillRun(path: path, inputError: "\(path): \(error); image untouched")
        }
    }
}

/// One image: overlay, preparation, boot (KVM, else TCG), evidence, verdict.
private struct DrillSession {
    let path: String
    let options: DrillOptions
    let progress: StepProgress

    func run() throws -> DrillReport {
        try Interruption.checkpoint()
        let lock = try ImageLock(path: path, mode: .shared)
        defer { withExtendedLifetime(lock) {} }
        if UndoJournal.exists(for: path) { throw DiskImageError(path: path, message: UndoJournal.refusal(for: path)) }
        let format = try DiskImageFormat.detect(path: path)
        let damage = ContainerDamage.problems(path: path, format: format)
        guard damage.isEmpty else { throw DrillError.notBootable(damage.joined(separator: "; ")) }
        let work = try HostTemporaryDirectory(prefix: "kdumpbake-drill")
        let overlay = work.path + "/overlay.qcow2"
        try QemuImg.createOverlay(overlay, backing: URL(fileURLWithPath: path).standardizedFileURL.path, format: format)

        var accelerator: DrillMachine.Accelerator = ApplianceLauncher.shouldTryKVM(options.launchPolicy, log: progress.message) ? .kvm : .tcg
        var limits = self.limits(for: accelerator)
        progress.step("preparing the overlay")
        let guest = try DrillPreparation.prepare(overlay: overlay, path: path, options: options, waitForKdump: self.limits(for: .tcg)[.arming],
                                                 hostDirectory: work.path, progress: progress)
        try Interruption.checkpoint()
        // The preparation's own launch may just have found KVM broken.
        if accelerator == .kvm, !ApplianceLauncher.shouldTryKVM(options.launchPolicy) { accelerator = .tcg; limits = self.limits(for: .tcg) }
        if let value = guest.crashkernel, let needed = CrashkernelReservation.minimumMemoryMiB(for: value), options.memoryMiB < needed {
            progress.message("with --memory \(options.memoryMiB) the guest's crashkernel=\(value) reserves nothing; use --memory \(needed) or more")
        } else if guest.crashkernel == nil {
            progress.message("the default boot entry has no crashkernel=: the kernel reserves no memory for kdump")
        }

        var outcome: (machine: DrillMachine, timeline: ConsoleTimeline, end: DrillEnd)?
        while outcome == nil {
            let machine = DrillMachine(memoryMiB: options.memoryMiB, cpus: options.cpus, accelerator: accelerator, overlayPath: overlay,
                                       kernelPath: guest.kernel, initrdPath: guest.initrd,
                                       appendWords: DrillKernelCommandLine.forSerialConsole(guest.commandLine))
            progress.step("booting the default entry with \(accelerator == .kvm ? "KVM" : "TCG (software emulation)"), \(options.memoryMiB) MiB, \(options.cpus) vCPU")
            switch try DrillBoot.run(machine: machine, qemu: options.qemu, mode: guest.mode, limits: limits, progress: progress) {
            case .finished(let timeline, let end):
                outcome = (machine, timeline, end)
            case .kvmUnusable(let reason):
                ApplianceLauncher.markKVMBroken(reason)
                progress.message("KVM boot failed (\(reason)); retrying with TCG software emulation, which is slower")
                accelerator = .tcg
                limits = self.limits(for: .tcg)
            }
        }
        guard let (machine, timeline, end) = outcome else { preconditionFailure("the loop ends with an outcome") }
        try Interruption.checkpoint()

        // The console can claim anything; the files are the proof. Read them when something could
        // have written a dump: a capture kernel started, or the guest came back.
        var evidence: DrillEvidence?
        if timeline.reached(.captureKernelStarted) || end == .secondBootReached {
            progress.step("reading the dump directory on the overlay")
            evidence = try DrillEvidenceReader.read(overlay: overlay, dumpDirectories: guest.dumpDirectories, options: options, progress: progress)
        }
        return DrillReport(path: path, machine: machine, timeline: timeline, end: end, evidence: evidence)
    }

    private func limits(for accelerator: DrillMachine.Accelerator) -> DrillLimits {
        if let seconds = options.phaseTimeout { return DrillLimits(timeout: seconds, scaling: .defaults(for: accelerator)) }
        return .defaults(for: accelerator)
    }
}
