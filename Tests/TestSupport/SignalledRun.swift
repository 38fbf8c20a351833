import Foundation

/// `kdumpbake ARGS` run with a private TMPDIR (so every temporary file it leaves shows) and
/// signalled once a stderr line contains `line`: how the signal and kill tests reach a phase.
public struct SignalledRun {
    /// Everything it printed on stderr.
    public let stderr: String
    /// Whether `line` appeared, so the signal was sent.
    public let sent: Bool
    public let reason: Process.TerminationReason
    public let status: Int32

    public static func run(_ arguments: [String], signal: Int32, whenStderrContains line: String, temporary: String) throws -> SignalledRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRun.binary)
        process.arguments = arguments
        // libguestfs's appliance cache stays where it normally lives, so it is not rebuilt.
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary, "LIBGUESTFS_CACHEDIR": "/var/tmp"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        var sent = false
        while true {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if !sent, seen.contains(line) {
                kill(process.processIdentifier, signal)
                sent = true
            }
        }
        process.waitUntilExit()
        return SignalledRun(stderr: seen, sent: sent, reason: process.terminationReason, status: process.terminationStatus)
    }
}
