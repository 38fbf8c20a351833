import ArgumentParser
import Foundation
import KdumpBakeCore
import KdumpBakeAppliance
import Logging

/// The `kdumpbake` command: patches Linux VM disk images offline so a VM on Azure reboots by
/// itself after a kernel panic, and audits images read-only.
@main
struct KdumpBakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdumpbake",
        abstract: "Make Linux VM images reboot by themselves after a kernel panic on Azure (Hyper-V), offline.",
        discussion: """
            kdumpbake opens a VHD, raw or qcow2 disk image with libguestfs — never mounting \
            anything on the host — and configures kdump and kernel.panic so that a panicked VM \
            writes its dump and reboots instead of hanging (Microsoft KB2858695).
            """,
        version: KdumpBakeVersion.current,
        subcommands: [Demo.self, Audit.self, Patch.self, Recover.self, Render.self, Profiles.self]
    )

    /// Runs the command; usage errors exit 2 (not ArgumentParser's 64), as every input error does.
    static func main() {
        LoggingSystem.bootstrap { _ in LineLogHandler() }
        // SIGINT/SIGTERM stop the appliances; uncommitted images stay as they were; exit 128+signal.
        Interruption.install(announce: say)
        do {
            var command = try parseAsRoot()
            try command.run()
            if let status = Interruption.exitStatus { Foundation.exit(status) }
        } catch let exit as ExitCode {
            Foundation.exit(Interruption.exitStatus ?? exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            Self.exit(withError: error)
        }
    }
}

/// The tool's log (swift-log), bootstrapped in `main` to write whole `kdumpbake: …` lines to stderr.
let log = Logger(label: "kdumpbake")

/// One line on stderr, prefixed with the tool's name; whole lines only, also from parallel jobs.
/// The text is escaped with `TerminalText`: it often quotes guest text (a finding's message, a
/// path in the image), which must neither drive the terminal nor, with a line feed, forge a
/// `kdumpbake:` line of its own.
@Sendable func say(_ line: String) {
    log.notice("\(TerminalText.escape(line))")
}

/// An input error already reported to the user: exit 2, nothing more to print.
struct InputError: Error, CustomStringConvertible {
    var description: String
}
