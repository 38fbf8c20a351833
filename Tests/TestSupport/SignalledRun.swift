import Foundation
import HostProcess

/// `kdumpbake ARGS` run with a private TMPDIR (so every temporary file it leaves shows) and
/// signalled once its stderr so far contains `line`: how the signal and kill tests reach a phase.
public struct SignalledRun {
    /// Everything it printed on stderr.
    public let stderr: String
    /// Whether `line` appeared, so the signal was sent.
    public let sent: Bool
    public let termination: ChildProcess.Termination

    /// `termination` in `Process`'s terms, as the signal tests check it.
    public var reason: Process.TerminationReason {
        if case .signalled = termination { .uncaughtSignal } else { .exit }
    }
    public var status: Int32 { termination.statusOrSignal }

    public static func run(_ arguments: [String], signal: Int32, whenStderrContains line: String, temporary: String) throws -> SignalledRun {
        // libguestfs's appliance cache stays where it normally lives, so it is not rebuilt.
        let environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary, "LIBGUESTFS_CACHEDIR": "/var/tmp"]) { $1 }
        var seen = ""
        var sent = false
        let outcome = try ChildProcess(CLIRun.binary, arguments, environment: environment)
            .run(readingChunksOf: .standardError) { chunk, child in
                seen += String(decoding: chunk, as: UTF8.self)
                if !sent, seen.contains(line) {
                    child.send(signal)
                    sent = true
                }
            }
        return SignalledRun(stderr: seen, sent: sent, termination: outcome.termination)
    }
}
