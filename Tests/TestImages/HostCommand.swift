import Foundation
import HostProcess

/// A failure while building a test image: which host command failed and what it said.
///
/// Image building shells out to mke2fs, mkfs.xfs, sfdisk, qemu-img …; when one of them fails the only
/// useful diagnosis is its argv and stderr, so the error carries exactly that.
public struct TestImageError: Error, CustomStringConvertible {
    /// The argv of the command that failed (empty when the failure was not a command).
    public let command: [String]
    /// The command's exit status, or nil when it did not run.
    public let status: Int32?
    /// The command's standard error (or a message of ours).
    public let stderr: String

    public init(command: [String], status: Int32?, stderr: String) {
        self.command = command
        self.status = status
        self.stderr = stderr
    }

    /// A failure of our own (bad recipe, I/O), not of a host command.
    static func message(_ text: String) -> TestImageError {
        TestImageError(command: [], status: nil, stderr: text)
    }

    public var description: String {
        if command.isEmpty { return "test image: \(stderr)" }
        let argv = command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        let exit = status.map { "exit \($0)" } ?? "did not run"
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return "test image: `\(argv)` failed (\(exit))" + (text.isEmpty ? "" : ": \(text)")
    }
}

/// Runs host tools by argv (never through a shell, so paths and contents are never re-parsed).
enum HostCommand {
    /// Tools such as mkfs.xfs and sfdisk live in /sbin, which is not on every user's PATH.
    private static let extraSearchPath = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]

    /// Runs `argv`, feeding `stdin` if given; returns stdout. Throws `TestImageError` on a non-zero exit.
    /// `environment` replaces the inherited one when given (debootstrap gets a fixed PATH and locale).
    @discardableResult
    static func run(_ argv: [String], stdin: Data? = nil, in directory: String? = nil,
                    environment: [String: String]? = nil) throws -> Data {
        guard let tool = argv.first else { throw TestImageError.message("empty command") }
        guard let executable = resolve(tool) else {
            throw TestImageError(command: argv, status: nil, stderr: "\(tool): not found on PATH")
        }
        // stdin is staged in a file by the runner, not written into a pipe: a child that exits
        // without reading (a failing sfdisk) would otherwise kill this whole test process with SIGPIPE.
        let command = ChildProcess(executable, Array(argv.dropFirst()), environment: environment, workingDirectory: directory,
                                   standardInput: stdin.map { .bytes(Array($0)) } ?? .null,
                                   standardOutput: .captureAll, standardError: .captureAll)
        let outcome: ChildProcess.Outcome
        do { outcome = try command.run() } catch {
            throw TestImageError(command: argv, status: nil, stderr: "\(error)")
        }
        guard outcome.termination.succeeded else {
            throw TestImageError(command: argv, status: outcome.termination.statusOrSignal, stderr: outcome.standardErrorText)
        }
        return Data(outcome.standardOutput)
    }

    /// Finds `tool` on PATH (plus the sbin directories); absolute paths are taken as given.
    static func resolve(_ tool: String) -> String? {
        if tool.hasPrefix("/") { return tool }
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        for directory in path + extraSearchPath {
            let candidate = directory + "/" + tool
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
