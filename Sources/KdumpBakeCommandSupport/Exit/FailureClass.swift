import KdumpBakeAppliance

/// Whose problem ended a command. Every way a kdumpbake command can end other than success is one
/// of these, and the exit status follows from the class alone (`exitStatus`), in one place, the
/// way guestfs-tools' `run_main_and_handle_errors` ends every virt tool.
package enum FailureClass: Sendable, Equatable {
    /// The user's input cannot be used: the command line, the manifest, the templates, or an
    /// image that is missing, damaged, locked, names other host files, or holds no OS or
    /// kexec-tools a profile covers. Also an image that could not be audited or patched for a
    /// reason its report gives: the report does not say whether the image or the host was at
    /// fault, and the README's exit statuses count both as an input error.
    case input
    /// The host, not the input: a report file or directory that cannot be written.
    case environment
    /// The image's content: an audit found it non-compliant, or a patch step or its verification
    /// failed inside the guest (the image is then byte-identical to before).
    case guest
    /// An error nothing classified: a bug in kdumpbake (or in the demo's sample building).
    case `internal`

    /// The exit status for a command that ended with `failure` (nil: it succeeded) — the README's
    /// "Exit status" paragraph: 0 success, 1 the guest's content, 2 an input or environment
    /// error. A signal decides over everything else: 128 + its number (130 SIGINT, 143 SIGTERM).
    package static func exitStatus(for failure: FailureClass?) -> Int32 {
        if let signalled = Interruption.exitStatus { return signalled }
        switch failure {
        case nil: return 0
        case .input, .environment: return 2
        case .guest, .internal: return 1
        }
    }
}

/// How a command ends when it fails: its class and the lines to say on stderr (each as
/// `kdumpbake: LINE`, escaped), or none when they were already said or a report carries them.
/// Commands throw this; `runClassifyingErrors` says the lines and exits with the class's status.
package struct CommandFailure: Error {
    package var failureClass: FailureClass
    package var lines: [String]

    package init(_ failureClass: FailureClass, lines: [String] = []) {
        self.failureClass = failureClass
        self.lines = lines
    }

    package static func input(_ lines: String...) -> CommandFailure { CommandFailure(.input, lines: lines) }
    package static func environment(_ lines: String...) -> CommandFailure { CommandFailure(.environment, lines: lines) }
}
