import Foundation

/// A host program to run, given as argv — an executable path and its arguments, never a shell
/// string, so no path and no guest text is ever parsed again — with what it reads and where its
/// output goes. `run()` blocks until it ends; `start()` returns a handle to signal and wait on.
///
/// Every host process kdumpbake and its tests start goes through here (qemu-img, the initrd
/// decompressors, the test-image tools, the `kdumpbake` binary under test), so the parts that
/// hand-written runners each got slightly wrong are done once:
/// - stdout and stderr are drained at the same time, so a child never blocks on a full pipe;
/// - what is kept is capped per stream, and going past the cap is said, never silent
///   (`Outcome.standardOutputTruncated`), optionally killing the child (`Overflow.killChild`);
/// - a time limit SIGKILLs the child and the outcome says `.timedOut`;
/// - one stream can be read by the caller, per chunk or per line, *on the caller's thread*,
///   with the running child at hand to signal (qemu-img's progress, the signal tests);
/// - standard input is a file, never an in-memory buffer pushed through a pipe after the spawn:
///   nothing is ever written to a pipe the child may have closed, so the parent cannot die of
///   SIGPIPE and there is no writer thread (`Input.bytes` stages the bytes in a file first);
/// - the outcome is typed: exited with a status, killed by a signal, or timed out.
/// Thread safety is `Synchronization.Mutex` and semaphores; no `@unchecked Sendable`.
///
/// Why not swiftlang/swift-subprocess: measured with 1.0.2 from the package mirror, on this
/// 2-core machine. Streaming stderr lines while signalling the child worked, and so did a kill
/// raced against a sleep. But:
/// - it is async-only, and kdumpbake has no async code: every caller is synchronous (some on
///   ParallelRunner's threads), so each run would park a thread on a semaphore waiting for a
///   Task on the 2-thread cooperative pool;
/// - a child that exits before reading an in-memory stdin kills the parent with SIGPIPE
///   (upstream issue 367; reproduced: 64 MiB into /bin/true, the probe died with status 141);
/// - an output cap throws `outputLimitExceeded` and drops what was collected, where we need
///   "truncated" as a flag (qemu-img's stderr) and the kill of a decompression bomb;
/// - there is no time limit; it is a task group to write at every call site;
/// - a clean debug build of a package depending on it alone took 25 s of CPU (16 s of it
///   swift-system, which KdumpBakeCore does not build today), against 4 s for an empty one.
/// So this is a small runner of our own around Foundation's `Process`, which does the spawn
/// itself (environment, working directory, closing inherited descriptors); posix_spawn by hand
/// would need C, as Swift's Glibc module has no closefrom, addchdir_np or pipe2. What `Process`
/// lacks is added around it: exit seen without waiting for descendants (`ExitLatch`), readers,
/// caps, the time limit, dying with the parent (`ParentDeath`).
///
/// The child starts with no signal blocked but those kdumpbake ignores (`SpawnSignalMask`: a
/// worker thread's mask, inherited as `Process` does, blocked SIGCHLD and hung shells' `wait`),
/// and with kdumpbake's ignored signals ignored: qemu-img keeps ignoring what kdumpbake ignores
/// during an interruption.
public struct ChildProcess: Sendable {
    /// An absolute path; it is checked to be executable before anything is spawned.
    public var executable: String
    public var arguments: [String]
    /// The child's whole environment; nil: ours.
    public var environment: [String: String]?
    /// nil: ours.
    public var workingDirectory: String?
    public var standardInput: Input
    public var standardOutput: Output
    public var standardError: Output
    /// After this long the child is SIGKILLed and the outcome is `.timedOut`; nil: no limit.
    /// It covers the output too: a pipe still open then (a descendant holding it) is given a
    /// short grace and then abandoned, so the limit bounds the whole run.
    public var timeLimit: Duration?
    /// The child gets SIGKILL when the thread that spawned it ends — with it, when kdumpbake dies,
    /// however it dies (see `ParentDeath`). For kdumpbake's long-lived children only (qemu-img
    /// writing a 30 GB image); `run()` keeps the spawning thread blocked until the child ends.
    public var diesWithParent: Bool

    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                workingDirectory: String? = nil, standardInput: Input = .null, standardOutput: Output = .discard,
                standardError: Output = .discard, timeLimit: Duration? = nil, diesWithParent: Bool = false) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.timeLimit = timeLimit
        self.diesWithParent = diesWithParent
    }

    /// Runs the child to its end.
    public func run() throws(LaunchFailure) -> Outcome {
        try start().wait()
    }

    /// Runs the child to its end, handing each chunk of `stream` to `body` on this thread as it
    /// arrives (that stream is not captured). `body` gets the running child to signal.
    public func run(readingChunksOf stream: StandardStream,
                    _ body: (ArraySlice<UInt8>, RunningChild) -> Void) throws(LaunchFailure) -> Outcome {
        var command = self
        command[stream] = .stream
        let child = try command.start()
        child.readChunks(of: stream) { body($0, child) }
        return child.wait()
    }

    /// Like `run(readingChunksOf:)` per line: each line ends at any byte of `separators` (not
    /// included; a CR LF pair gives an empty line between), the last one at the end of output.
    public func run(readingLinesOf stream: StandardStream, separatedBy separators: [UInt8] = [0x0A],
                    _ body: (String, RunningChild) -> Void) throws(LaunchFailure) -> Outcome {
        var command = self
        command[stream] = .stream
        let child = try command.start()
        child.readLines(of: stream, separatedBy: separators) { body($0, child) }
        return child.wait()
    }

    /// Spawns the child and returns at once. The `.capture` streams are drained on threads of
    /// their own; a `.stream` one is the caller's to read (`readChunks`, `readLines`), or is
    /// drained by `wait()`.
    public func start() throws(LaunchFailure) -> RunningChild {
        guard access(executable, X_OK) == 0 else {
            throw LaunchFailure(executable: executable, reason: String(cString: strerror(errno)))
        }
        let process = Process()
        let (launched, launchArguments) = diesWithParent ? ParentDeath.launch(executable, arguments) : (executable, arguments)
        process.executableURL = URL(fileURLWithPath: launched)
        process.arguments = launchArguments
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory, isDirectory: true) }

        let input = try standardInput.open(for: executable)
        defer { input.closeOurCopy() }
        if let handle = input.handle { process.standardInput = handle }
        let outputPipe = standardOutput.attach { process.standardOutput = $0 }
        let errorPipe = standardError.attach { process.standardError = $0 }

        let exit = ExitLatch()
        process.terminationHandler = { _ in exit.markReaped() }
        do {
            try SpawnSignalMask.withOnlyIgnoredSignalsBlocked { try process.run() }
        } catch {
            throw LaunchFailure(executable: executable, reason: "\(error)")
        }
        return RunningChild(process: process, exit: exit, timeLimit: timeLimit,
                            outputs: [(.standardOutput, standardOutput, outputPipe), (.standardError, standardError, errorPipe)])
    }

    subscript(stream: StandardStream) -> Output {
        get { stream == .standardOutput ? standardOutput : standardError }
        set { if stream == .standardOutput { standardOutput = newValue } else { standardError = newValue } }
    }
}

/// The spawn did not happen: the executable is missing or not executable, a working directory
/// or stdin file is missing, staging stdin failed.
public struct LaunchFailure: Error, Sendable, CustomStringConvertible {
    public var executable: String
    public var reason: String

    public init(executable: String, reason: String) {
        self.executable = executable
        self.reason = reason
    }

    public var description: String { "cannot run \(executable): \(reason)" }
}
