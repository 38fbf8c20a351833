import Synchronization

/// One image's current step, and how far it is: the `step` and `progress` events of a run.
///
/// Progress comes from two places that know nothing of steps: libguestfs progress events (a
/// long call such as a download reports position/total; the daemon only starts reporting after
/// about 2 s, so short calls report nothing) and qemu-img's `-p` output while an image is
/// committed or converted. Both are reported against the step entered last, and only when the
/// percentage changes, so a fast copy does not flood `--events json`.
package final class StepProgress: Sendable {
    private let clock: ProgressClock
    private let state = Mutex<(step: String, percent: Int)>(("", -1))

    package init(_ clock: ProgressClock) { self.clock = clock }

    /// Enters a step: emits a `step` event and makes it the one progress is reported against.
    package func step(_ text: String) {
        state.withLock { $0 = (text, -1) }
        clock.emit(.step, text)
    }

    /// A message about the image that is not a step (the KVM→TCG fallback): progress keeps
    /// being reported against the current step.
    package func message(_ text: String) {
        clock.emit(.message, text)
    }

    /// Reports `position` of `total` done in the current step.
    package func report(position: UInt64, total: UInt64) {
        guard total > 0 else { return }
        report(fraction: Double(min(position, total)) / Double(total))
    }

    /// Reports the fraction (0…1) of the current step done.
    package func report(fraction: Double) {
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        let step: String? = state.withLock { current in
            guard percent != current.percent else { return nil }
            current.percent = percent
            return current.step
        }
        if let step { clock.emit(.progress, step, progress: fraction) }
    }
}
