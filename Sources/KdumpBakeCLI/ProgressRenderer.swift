import Foundation
import KdumpBakeCore
import KdumpBakeAppliance

/// Shows progress the way the output goes: a live status block on a terminal, timestamped lines
/// in logs (`[  12.3] centos-6.4.vhd: rebuilding kdump initrd for …`), one JSON object per line
/// with `--events json`, nothing with `--quiet`. Whole lines only, under a lock, so parallel
/// jobs never interleave mid-line.
final class ProgressRenderer: @unchecked Sendable {
    enum Mode { case json, terminal, lines, quiet }

    private let mode: Mode
    private let lock = NSLock()
    /// Terminal mode: the running images and their current step, and how many lines are drawn.
    private var running: [(image: String, step: String, since: Double)] = []
    private var drawnLines = 0

    init(mode: Mode) { self.mode = mode }

    static func choose(events: PipelineOptions.EventFormat?, quiet: Bool) -> ProgressRenderer {
        if events == .json { return ProgressRenderer(mode: .json) }
        if quiet { return ProgressRenderer(mode: .quiet) }
        return ProgressRenderer(mode: isatty(STDERR_FILENO) == 1 ? .terminal : .lines)
    }

    /// Where JSON events go: stdout, which then carries nothing else.
    var ownsStandardOutput: Bool { mode == .json }

    func handle(_ event: ProgressEvent) {
        lock.withLock {
            switch mode {
            case .quiet: return
            case .json: json(event)
            case .lines:
                // Logs get progress in 10 % steps; each percentage arrives at most once.
                if event.kind == .progress, Int(((event.progress ?? 0) * 100).rounded(.down)) % 10 != 0 { return }
                FileHandle.standardError.write(Data((line(event) + "\n").utf8))
            case .terminal: terminal(event)
            }
        }
    }

    /// The image's file name, escaped for the terminal (`TerminalText`).
    private func name(_ path: String?) -> String { path.map { TerminalText.escape(($0 as NSString).lastPathComponent) } ?? "kdumpbake" }

    /// A step or message, escaped: steps quote guest text (kernel versions, libguestfs's verbose
    /// lines with the appliance's console output), which must not drive the terminal, and each
    /// stays one line so it cannot forge another. Also in lines mode: logs get read on terminals.
    private func step(_ event: ProgressEvent) -> String { TerminalText.escape(event.step) }

    private func line(_ event: ProgressEvent) -> String {
        if event.kind == .message && event.image == nil { return "kdumpbake: \(step(event))" }
        return String(format: "[%6.1f] %@: %@", event.elapsed, name(event.image), step(event) + percentage(event))
    }

    /// " 42%" for progress events, "" otherwise.
    private func percentage(_ event: ProgressEvent) -> String {
        guard event.kind == .progress, let progress = event.progress else { return "" }
        return " \(Int((progress * 100).rounded(.down)))%"
    }

    private func json(_ event: ProgressEvent) {
        guard let data = JSONOutput.encode(event, pretty: false) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Redraws the status block: finished images and messages scroll up as permanent lines,
    /// running images keep one live line each.
    private func terminal(_ event: ProgressEvent) {
        var out = String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawnLines)
        switch event.kind {
        case .started, .step:
            if let image = event.image {
                running.removeAll { $0.image == image }
                running.append((image, step(event), event.elapsed))
            }
        case .progress:
            if let index = running.firstIndex(where: { $0.image == event.image }) {
                running[index].step = step(event) + percentage(event)
            }
        case .finished:
            running.removeAll { $0.image == event.image }
            out += line(event) + "\n"
        case .message:
            out += line(event) + "\n"
        }
        for item in running { out += String(format: "[%6.1f] %@: %@…\n", item.since, name(item.image), item.step) }
        drawnLines = running.count
        FileHandle.standardError.write(Data(out.utf8))
    }
}
