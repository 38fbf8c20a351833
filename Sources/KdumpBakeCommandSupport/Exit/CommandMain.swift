import ArgumentParser
import Foundation
import KdumpBakeAppliance
import Logging

extension ParsableCommand {
    /// The `main` of every kdumpbake executable: parses the arguments, runs the command, and
    /// exits with the status of how it ended (`FailureClass.exitStatus`). Commands only throw or
    /// return; nothing else calls `exit`.
    /// - A `CommandFailure`: its lines are said, its class decides.
    /// - A usage error: ArgumentParser's message and usage, class `input` (exit 2, as every input
    ///   error, not ArgumentParser's 64).
    /// - `--help`, `--version`: printed on standard output, exit 0.
    /// - Anything else is a bug: ArgumentParser's `Error: …` line, class `internal`.
    /// SIGINT and SIGTERM stop the appliances (images not yet committing stay as they were) and
    /// make the status 128 + the signal.
    package static func runClassifyingErrors() -> Never {
        LoggingSystem.bootstrap { _ in LineLogHandler() }
        Interruption.install(announce: say)
        let failure: FailureClass?
        do {
            var command = try parseAsRoot()
            try command.run()
            failure = nil
        } catch let ended as CommandFailure {
            for line in ended.lines { say(line) }
            failure = ended.failureClass
        } catch {
            let message = fullMessage(for: error)
            switch exitCode(for: error) {
            case .success:
                if !message.isEmpty { print(message) }
                failure = nil
            case .validationFailure:
                ProgressRenderer.shared.write(message + "\n")
                failure = .input
            default:
                if !message.isEmpty { ProgressRenderer.shared.write(message + "\n") }
                failure = .internal
            }
        }
        Foundation.exit(FailureClass.exitStatus(for: failure))
    }
}
