import Foundation
import KdumpBakeCore
import Synchronization

/// The one writer of standard error. Progress is shown the way the output goes: a live status
/// block on a terminal, timestamped lines in logs (`[  12.3] centos-6.4.vhd: rebuilding kdump
/// initrd for …`), one JSON object per line on standard output with `--events json`, nothing with
/// `--quiet`. Messages (`say`, error lines, usage errors, the signal notice) are shown in every mode.
///
/// Both go through here, under one lock, because on a terminal the live block is redrawn in
/// place: it first moves the cursor up over the lines it drew and erases them, so a line that
/// anyone else wrote below the block would be erased with it. Here a message is written where the
/// block was and the block is redrawn below it. Whole lines only, so parallel jobs never
/// interleave mid-line.
package final class ProgressRenderer: Sendable {
    package enum Mode: Sendable { case json, terminal, lines, quiet }

    /// The process's renderer: standard error has exactly one writer.
    package static let shared = ProgressRenderer()

    private struct RunningImage {
        var image: String
        var step: String
        var since: Double
    }

    private struct State {
        var mode: Mode
        /// Terminal mode: the running images and their current step, and how many lines are drawn.
        var running: [RunningImage] = []
        var drawnLines = 0
    }

    private let state: Mutex<State>

    private init() {
        state = Mutex(State(mode: Self.modeForStandardError()))
    }

    /// A terminal gets the live block, anything else timestamped lines.
    private static func modeForStandardError() -> Mode { isatty(STDERR_FILENO) == 1 ? .terminal : .lines }

    /// Chooses how this run shows its progress (messages are shown in every mode).
    @discardableResult
    package func show(jsonEvents: Bool, quiet: Bool) -> ProgressRenderer {
        let mode: Mode = jsonEvents ? .json : quiet ? .quiet : Self.modeForStandardError()
        state.withLock { $0.mode = mode }
        return self
    }

    /// Whether JSON events go to standard output, which then carries nothing else.
    package var ownsStandardOutput: Bool { state.withLock { $0.mode == .json } }

    /// Shows one progress event as the mode wants it; called from worker threads.
    package func handle(_ event: ProgressEvent) {
        state.withLock { state in
            switch state.mode {
            case .quiet: return
            case .json: Self.writeJSON(event)
            case .lines:
                // Logs get progress in 10 % steps; each percentage arrives at most once.
                if event.kind == .progress, Int(((event.progress ?? 0) * 100).rounded(.down)) % 10 != 0 { return }
                FileHandle.standardError.write(Data((Self.line(event) + "\n").utf8))
            case .terminal: Self.update(&state, with: event)
            }
        }
    }

    /// Writes `text` (whole lines, each ending in a line feed) to standard error in every mode;
    /// on a terminal above the live block, which is redrawn below it.
    package func write(_ text: String) {
        state.withLock { state in
            if state.mode == .terminal {
                Self.redraw(&state, permanent: text)
            } else {
                FileHandle.standardError.write(Data(text.utf8))
            }
        }
    }

    /// The image's file name, escaped for the terminal (`TerminalText`).
    private static func name(_ path: String?) -> String {
        path.map { TerminalText.escape(($0 as NSString).lastPathComponent) } ?? "kdumpbake"
    }

    /// A step or message, escaped: steps quote guest text (kernel versions, libguestfs's verbose
    /// lines with the appliance's console output), which must not drive the terminal, and each
    /// stays one line so it cannot forge another. Also in lines mode: logs get read on terminals.
    private static func step(_ event: ProgressEvent) -> String { TerminalText.escape(event.step) }

    private static func line(_ event: ProgressEvent) -> String {
        if event.kind == .message && event.image == nil { return "kdumpbake: \(step(event))" }
        return String(format: "[%6.1f] %@: %@", event.elapsed, name(event.image), step(event) + percentage(event))
    }

    /// " 42%" for progress events, "" otherwise.
    private static func percentage(_ event: ProgressEvent) -> String {
        guard event.kind == .progress, let progress = event.progress else { return "" }
        return " \(Int((progress * 100).rounded(.down)))%"
    }

    private static func writeJSON(_ event: ProgressEvent) {
        guard let data = JSONOutput.encode(event, pretty: false) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Terminal mode: finished images and messages scroll up as permanent lines, running images
    /// keep one live line each.
    private static func update(_ state: inout State, with event: ProgressEvent) {
        var permanent = ""
        switch event.kind {
        case .started, .step:
            if let image = event.image {
                state.running.removeAll { $0.image == image }
                state.running.append(RunningImage(image: image, step: step(event), since: event.elapsed))
            }
        case .progress:
            if let index = state.running.firstIndex(where: { $0.image == event.image }) {
                state.running[index].step = step(event) + percentage(event)
            }
        case .finished:
            state.running.removeAll { $0.image == event.image }
            permanent = line(event) + "\n"
        case .message:
            permanent = line(event) + "\n"
        }
        redraw(&state, permanent: permanent)
    }

    /// Erases the live block, writes `permanent` where it was, and draws the block again below.
    private static func redraw(_ state: inout State, permanent: String) {
        var out = String(repeating: "\u{1B}[1A\u{1B}[2K", count: state.drawnLines) + permanent
        for item in state.running {
            out += String(format: "[%6.1f] %@: %@…\n", item.since, name(item.image), item.step)
        }
        state.drawnLines = state.running.count
        FileHandle.standardError.write(Data(out.utf8))
    }
}
