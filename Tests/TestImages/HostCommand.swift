import Foundation

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
    @discardableResult
    static func run(_ argv: [String], stdin: Data? = nil, in directory: String? = nil) throws -> Data {
        guard let tool = argv.first else { throw TestImageError.message("empty command") }
        guard let executable = resolve(tool) else {
            throw TestImageError(command: argv, status: nil, stderr: "\(tool): not found on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        // stdin comes from an unlinked temporary file, not a pipe: a child that exits without reading
        // (a failing sfdisk) would otherwise kill this whole test process with SIGPIPE.
        if let stdin {
            let input = try temporaryInput(stdin)
            process.standardInput = input
        } else {
            process.standardInput = FileHandle.nullDevice
        }

        // The termination handler rather than waitUntilExit(), which polls a run loop.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch {
            throw TestImageError(command: argv, status: nil, stderr: "\(error)")
        }
        // Drain both pipes concurrently so the child never blocks on a full pipe buffer. Dedicated
        // threads, not the global dispatch queue: these blocks block, and with 2 cores the pool grows
        // only after a delay of about a second.
        let output = Collected(), errors = Collected()
        let group = DispatchGroup()
        onThread(group) { output.set(outPipe.fileHandleForReading.readDataToEndOfFile()) }
        onThread(group) { errors.set(errPipe.fileHandleForReading.readDataToEndOfFile()) }
        exited.wait()
        group.wait()

        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw TestImageError(command: argv, status: process.terminationStatus,
                                 stderr: String(decoding: errors.get(), as: UTF8.self))
        }
        return output.get()
    }

    /// A read handle on a temporary file holding `data`; the file is unlinked at once (the handle keeps it).
    private static func temporaryInput(_ data: Data) throws -> FileHandle {
        let path = NSTemporaryDirectory() + "/kdumpbake-stdin-\(UUID().uuidString)"
        do {
            try data.write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadUnknown) }
            return handle
        } catch {
            throw TestImageError.message("cannot stage stdin at \(path): \(error)")
        }
    }

    private static func onThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
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

/// One value written by a reader thread and read after `DispatchGroup.wait()`.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
