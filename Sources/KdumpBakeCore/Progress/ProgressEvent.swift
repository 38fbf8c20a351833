/// One thing that happened during a run, for progress displays and pipeline UIs
/// (`--events json` writes each as one JSON line).
public struct ProgressEvent: Encodable, Sendable, Equatable {
    public enum Kind: String, Encodable, Sendable {
        /// Work on an image began.
        case started
        /// The image entered a step (`rebuilding kdump initrd for 2.6.32-358.el6.x86_64`).
        case step
        /// How far the current step is (`progress`, 0…1): from libguestfs progress events (long
        /// downloads) and from qemu-img while it commits or writes an image.
        case progress
        /// A message not tied to a step (a KVM→TCG fallback, a separate-appliance fallback).
        case message
        /// Work on the image ended; `status` says how.
        case finished
    }

    /// The image's path; nil for messages about the whole run.
    public var image: String?
    public var kind: Kind
    /// The step, or the message text.
    public var step: String
    /// For `finished`: how the image's audit or patch came out.
    public var status: Outcome?
    /// Seconds since work on the image (or the run) began.
    public var elapsed: Double
    /// For `progress`: the fraction of the step done, 0…1.
    public var progress: Double?

    public init(image: String?, kind: Kind, step: String, status: Outcome? = nil, elapsed: Double, progress: Double? = nil) {
        self.image = image
        self.kind = kind
        self.step = step
        self.status = status
        self.elapsed = (elapsed * 10).rounded() / 10
        self.progress = progress.map { (min(max($0, 0), 1) * 1000).rounded() / 1000 }
    }
}

extension ProgressEvent {
    /// How an image's work ended (`status` of a `finished` event), written as one word: the
    /// audit's verdict (`compliant`, `non-compliant`, `error`) or the patch's status
    /// (`patched`, `would-patch`, …), the same words the reports use.
    public enum Outcome: Encodable, Sendable, Equatable, CustomStringConvertible {
        case audit(ImageReport.Verdict)
        case patch(PatchReport.Status)

        public var description: String {
            switch self {
            case .audit(let verdict): verdict.rawValue
            case .patch(let status): status.rawValue
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }
}

/// Receives events; called from worker threads.
public typealias ProgressSink = @Sendable (ProgressEvent) -> Void

/// Measures elapsed time for one image's events.
package struct ProgressClock: Sendable {
    let image: String?
    let sink: ProgressSink
    let start = ContinuousClock.now

    package init(image: String?, sink: @escaping ProgressSink) {
        self.image = image
        self.sink = sink
    }

    var elapsed: Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    package func emit(_ kind: ProgressEvent.Kind, _ step: String, status: ProgressEvent.Outcome? = nil, progress: Double? = nil) {
        sink(ProgressEvent(image: image, kind: kind, step: step, status: status, elapsed: elapsed, progress: progress))
    }
}
