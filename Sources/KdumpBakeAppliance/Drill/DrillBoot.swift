import Foundation
import HostProcess
import KdumpBakeCore
import Synchronization

/// Boots the prepared overlay in qemu and watches its serial console until the drill has its
/// answer: the second boot reached userspace, kdump never armed, a phase ran out of time, or qemu
/// ended by itself. qemu is always stopped before this returns.
///
/// Console text comes from the guest and is hostile: it only ever feeds `ConsoleTimeline`, which
/// bounds what it keeps. qemu runs with no network; the guest's code runs only inside it.
enum DrillBoot {
    enum Outcome {
        case finished(timeline: ConsoleTimeline, end: DrillEnd)
        /// A KVM attempt that failed before the kernel started: the caller retries with TCG.
        case kvmUnusable(reason: String)
    }

    /// How long a KVM boot may take to print the kernel's first line; a healthy one takes seconds.
    static let kvmStartLimit = 60.0
    /// How long qemu gets to exit after SIGHUP (it flushes the overlay on the way) before SIGKILL.
    static let stopGrace: Duration = .seconds(20)

    static func run(machine: DrillMachine, qemu: String, mode: DrillTrigger.Mode, limits: DrillLimits,
                    progress: StepProgress) throws -> Outcome {
        // qemu's -name is the token a signal handler finds it by (no `=`: -name parses key=value).
        let token = "kdumpbake-drill-\(UUID().uuidString.lowercased())"
        let command = ChildProcess(qemu, machine.qemuArguments() + ["-name", token],
                                   standardOutput: .stream, standardError: .capture(limit: 64 * 1024), diesWithParent: true)
        RunningAppliances.register(token)
        defer { RunningAppliances.unregister(token) }
        if RunningAppliances.isStopping { throw ApplianceError.stopping }

        let started = ContinuousClock.now
        let elapsed: @Sendable () -> Double = {
            let duration = ContinuousClock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let state = Mutex(Watch(timeline: ConsoleTimeline(mode: mode)))
        let child: RunningChild
        do { child = try command.start() } catch { throw DrillError.notBootable("\(error)") }

        // Phase limits must fire while the console is silent (a hung guest prints nothing), so a
        // thread of its own checks them; the reading below blocks until output comes.
        let isKVM = machine.accelerator == .kvm
        let monitor = Thread {
            while child.isRunning {
                let now = elapsed()
                let stop = state.withLock { watch -> Bool in
                    guard watch.end == nil, watch.kvmFailure == nil else { return false }
                    if isKVM, now > kvmStartLimit, !watch.timeline.reached(.kernelStarted) {
                        watch.kvmFailure = "no kernel output within \(Int(kvmStartLimit)) s"
                        return true
                    }
                    if let phase = watch.timeline.expiredPhase(at: now, limits: limits) {
                        watch.end = .phaseLimit(phase, seconds: watch.timeline.limit(of: phase, in: limits))
                        return true
                    }
                    return false
                }
                if stop { Self.stop(child, progress: progress) }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        monitor.start()

        child.readChunks(of: .standardOutput) { chunk in
            let now = elapsed()
            let (new, stop) = state.withLock { watch -> ([TimelineEntry], Bool) in
                let new = watch.timeline.feed(chunk, at: now)
                guard watch.end == nil else { return (new, false) }
                if watch.timeline.reached(.secondBootUserspace) { watch.end = .secondBootReached; return (new, true) }
                if watch.timeline.reached(.kdumpNotArmed) { watch.end = .kdumpNotArmed; return (new, true) }
                if watch.timeline.haltedAfterPanic { watch.end = .haltedAfterPanic; return (new, true) }
                return (new, false)
            }
            for entry in new {
                progress.step(String(format: "+%.1fs ", entry.elapsedSeconds) + entry.milestone.rawValue
                              + (entry.detail.map { ": " + TerminalText.escape(String($0.prefix(120))) } ?? ""))
            }
            if stop { Self.stop(child, progress: progress) }
        }
        let outcome = child.wait()
        return state.withLock { watch in
            _ = watch.timeline.finish(at: elapsed())
            if let reason = watch.kvmFailure { return .kvmUnusable(reason: reason) }
            if let end = watch.end { return .finished(timeline: watch.timeline, end: end) }
            let status = outcome.termination.statusOrSignal
            if isKVM, !watch.timeline.reached(.kernelStarted) {
                let said = outcome.standardErrorText.split(whereSeparator: \.isNewline).first.map(String.init) ?? "qemu ended with \(outcome.termination)"
                return .kvmUnusable(reason: said)
            }
            return .finished(timeline: watch.timeline, end: .qemuExited(status: status))
        }
    }

    /// Asks qemu to quit (it flushes the overlay, which the evidence is then read from), and kills
    /// it if it has not gone after a grace period, saying so.
    ///
    /// SIGHUP, not SIGTERM: qemu ends cleanly on either, but kdumpbake ignores SIGINT and SIGTERM
    /// (`Interruption`) and its children start with those two blocked (`SpawnSignalMask`), so a
    /// SIGTERM stays pending in qemu and every drill waited out the whole grace period, the guest
    /// still running, before the SIGKILL.
    private static func stop(_ child: RunningChild, progress: StepProgress) {
        child.send(SIGHUP)
        let deadline = ContinuousClock.now + stopGrace
        Thread {
            while child.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.2) }
            if child.isRunning {
                progress.message("qemu did not exit within \(stopGrace.components.seconds) s of SIGHUP; killed it (the overlay may lack its last writes)")
            }
            child.send(SIGKILL)
        }.start()
    }

    private struct Watch {
        var timeline: ConsoleTimeline
        var end: DrillEnd?
        var kvmFailure: String?
    }
}
