import KdumpBakeCore
import Logging

/// The tool's log (swift-log), bootstrapped by `runClassifyingErrors` to write whole
/// `kdumpbake: …` lines through the progress renderer.
let log = Logger(label: "kdumpbake")

/// One line on stderr, prefixed with the tool's name; whole lines only, also from parallel jobs,
/// and never drawn over by the live progress block (`ProgressRenderer`). The text is escaped with
/// `TerminalText`: it often quotes guest text (a finding's message, a path in the image), which
/// must neither drive the terminal nor, with a line feed, forge a `kdumpbake:` line of its own.
@Sendable package func say(_ line: String) {
    log.notice("\(TerminalText.escape(line))")
}

/// A swift-log handler writing whole `kdumpbake: message` lines through the progress renderer,
/// the one writer of stderr. Messages only: no timestamps or levels, which the progress lines
/// already carry.
struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        ProgressRenderer.shared.write("kdumpbake: \(event.message)\n")
    }
}
