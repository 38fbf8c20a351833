import Foundation
import HostProcess
import Synchronization
import Testing

/// The one host-process runner, against small host programs (sh, cat, head, sleep, yes).
///
/// Swift Testing runs these on worker threads that block nearly every signal, as kdumpbake's
/// own Dispatch and concurrency threads do: the children must not inherit that mask.
@Suite struct ChildProcessTests {
    private func shell(_ script: String, standardInput: ChildProcess.Input = .null,
                       standardOutput: ChildProcess.Output = .captureAll, standardError: ChildProcess.Output = .captureAll,
                       timeLimit: Duration? = nil) -> ChildProcess {
        ChildProcess("/bin/sh", ["-c", script], standardInput: standardInput, standardOutput: standardOutput,
                     standardError: standardError, timeLimit: timeLimit)
    }

    /// A shell started with SIGCHLD blocked sleeps in `wait` until the time limit when its job
    /// ends after the `wait` began (dash and ash wait with sigsuspend): the CI hang of the
    /// rebuild driver under load. The child must start with only ignored signals blocked.
    @Test func childrenStartWithoutTheWorkerThreadsBlockedSignals() throws {
        // The shell's own mask, read by a builtin: dash clears the mask of what it forks or execs.
        let mask = try shell(#"while read -r key value; do [ "$key" = SigBlk: ] && echo "$value"; done < /proc/$$/status"#).run().standardOutputText
        let blocked = UInt64(mask.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
        let bit = { (signal: Int32) in UInt64(1) << UInt64(signal - 1) }
        #expect(blocked.map { $0 & (bit(SIGCHLD) | bit(SIGTERM) | bit(SIGALRM)) } == 0, "SigBlk \(mask)")

        for shell in ["/bin/dash", "/bin/bash"] where FileManager.default.isExecutableFile(atPath: shell) {
            let outcome = try ChildProcess(shell, ["-c", "sleep 1 & wait; echo waited"], standardOutput: .captureAll,
                                           timeLimit: .seconds(20)).run()
            #expect(outcome.termination == .exited(0) && outcome.standardOutputText == "waited\n", "\(shell): \(outcome.termination)")
        }
    }

    @Test func capturesStdoutAndStderrSeparately() throws {
        let outcome = try shell("printf out; printf err >&2; printf more").run()
        #expect(outcome.termination == .exited(0))
        #expect(outcome.standardOutputText == "outmore")
        #expect(outcome.standardErrorText == "err")
        #expect(!outcome.standardOutputTruncated && !outcome.standardErrorTruncated)
    }

    @Test func tellsAnExitStatusFromASignal() throws {
        #expect(try shell("exit 3").run().termination == .exited(3))
        let killed = try shell("kill -KILL $$").run().termination
        #expect(killed == .signalled(SIGKILL))
        #expect(killed.statusOrSignal == SIGKILL && !killed.succeeded)
        #expect(killed.description == "killed by signal 9")
        #expect(ChildProcess.Termination.exited(2).description == "exit status 2")
    }

    @Test func outputPastTheCapIsTruncatedAndFlaggedWhileTheChildRunsOn() throws {
        let outcome = try shell("head -c 300000 /dev/zero; echo done >&2",
                                standardOutput: .capture(limit: 1000), standardError: .capture(limit: 2)).run()
        #expect(outcome.termination == .exited(0))
        #expect(outcome.standardOutput == [UInt8](repeating: 0, count: 1000))
        #expect(outcome.standardOutputTruncated)
        #expect(outcome.standardErrorText == "do" && outcome.standardErrorTruncated)
    }

    @Test func outputPastTheCapCanKillTheChild() throws {
        let start = ContinuousClock.now
        let outcome = try ChildProcess("/usr/bin/yes", standardOutput: .capture(limit: 1 << 16, overflow: .killChild)).run()
        #expect(outcome.termination == .signalled(SIGKILL))
        #expect(outcome.standardOutput.count == 1 << 16 && outcome.standardOutputTruncated)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func theTimeLimitKillsTheChild() throws {
        let start = ContinuousClock.now
        let outcome = try shell("echo started; exec sleep 30", timeLimit: .milliseconds(300)).run()
        #expect(outcome.termination == .timedOut(.milliseconds(300)))
        #expect(outcome.termination.statusOrSignal == SIGKILL)
        #expect(outcome.standardOutputText == "started\n")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func theTimeLimitAlsoBoundsAPipeADescendantKeepsOpen() throws {
        // The shell exits at once; its background sleep holds stdout, so no end of file comes.
        let start = ContinuousClock.now
        let outcome = try shell("sleep 6 & echo gone", timeLimit: .milliseconds(300)).run()
        #expect(outcome.termination == .timedOut(.milliseconds(300)))
        #expect(outcome.standardOutputText == "gone\n")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func aStderrLineCanSignalTheChild() throws {
        let lines = Mutex<[String]>([])
        let outcome = try shell("echo one >&2; echo ready >&2; exec sleep 30", standardError: .discard)
            .run(readingLinesOf: .standardError) { line, child in
                lines.withLock { $0.append(line) }
                if line == "ready" { child.send(SIGKILL) }
            }
        #expect(outcome.termination == .signalled(SIGKILL))
        #expect(lines.withLock { $0 } == ["one", "ready"])
        #expect(outcome.standardError.isEmpty)
    }

    @Test func linesSplitOnEverySeparatorAndKeepTheUnterminatedLast() throws {
        var lines: [String] = []
        let outcome = try shell(#"printf '  (1.00/100%%)\r  (55.50/100%%)\r\nlast'"#)
            .run(readingLinesOf: .standardOutput, separatedBy: [0x0D, 0x0A]) { line, _ in lines.append(line) }
        #expect(outcome.termination == .exited(0))
        #expect(lines == ["  (1.00/100%)", "  (55.50/100%)", "", "last"])
    }

    @Test func chunksArriveWhileTheChildRuns() throws {
        // The second write waits for a file the reader creates on seeing the first.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("childprocess-\(UUID().uuidString)")
        let flag = directory.path
        defer { try? FileManager.default.removeItem(at: directory) }
        var seen = ""
        let outcome = try shell("echo first; while [ ! -e '\(flag)' ]; do sleep 0.05; done; echo second", timeLimit: .seconds(20))
            .run(readingChunksOf: .standardOutput) { chunk, _ in
                seen += String(decoding: chunk, as: UTF8.self)
                if seen == "first\n" { FileManager.default.createFile(atPath: flag, contents: nil) }
            }
        #expect(outcome.termination == .exited(0))
        #expect(seen == "first\nsecond\n")
    }

    @Test func standardInputFromAFileADescriptorOrStagedBytes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("childprocess-\(UUID().uuidString)").path
        defer { unlink(path) }
        let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try ChildProcess("/bin/cat", standardInput: .file(path), standardOutput: .captureAll).run().standardOutput == bytes)
        #expect(try ChildProcess("/bin/cat", standardInput: .bytes(bytes), standardOutput: .captureAll).run().standardOutput == bytes)
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        #expect(try ChildProcess("/bin/cat", standardInput: .fileDescriptor(descriptor), standardOutput: .captureAll).run().standardOutput == bytes)
        #expect(fcntl(descriptor, F_GETFD) >= 0, "the caller's descriptor stays open")
        // The default is /dev/null: cat ends at once instead of reading the test runner's stdin.
        #expect(try ChildProcess("/bin/cat", standardOutput: .captureAll).run().standardOutput.isEmpty)
        let missing = #expect(throws: LaunchFailure.self) { try ChildProcess("/bin/cat", standardInput: .file(path + ".missing")).run() }
        #expect(missing?.reason.hasSuffix("No such file or directory") == true)
    }

    @Test func aChildThatExitsWithoutReadingItsInputHurtsNobody() throws {
        // 64 MiB a pipe could never hold: written into a pipe after the spawn, this is SIGPIPE or a hang.
        let outcome = try ChildProcess("/bin/true", standardInput: .bytes([UInt8](repeating: 7, count: 64 << 20))).run()
        #expect(outcome.termination == .exited(0))
    }

    @Test func environmentAndWorkingDirectory() throws {
        let outcome = try ChildProcess("/bin/sh", ["-c", "echo \"$KDUMPBAKE_PROBE\"; pwd; echo \"${HOME:-unset}\""],
                                       environment: ["KDUMPBAKE_PROBE": "a b;$(c)"], workingDirectory: "/usr/share",
                                       standardOutput: .captureAll).run()
        #expect(outcome.standardOutputText == "a b;$(c)\n/usr/share\nunset\n")
    }

    @Test func aMissingExecutableIsALaunchFailure() {
        let failure = #expect(throws: LaunchFailure.self) { try ChildProcess("/nonexistent/kdumpbake-tool").run() }
        #expect(failure?.description == "cannot run /nonexistent/kdumpbake-tool: No such file or directory")
        #expect(throws: LaunchFailure.self) { try ChildProcess("/bin/true", workingDirectory: "/nonexistent/directory").run() }
    }

    @Test func aStartedChildCanBeSignalledAndWaitedOnTwice() throws {
        let child = try ChildProcess("/bin/sleep", ["30"]).start()
        #expect(child.isRunning)
        child.send(SIGKILL)
        #expect(child.wait().termination == .signalled(SIGKILL))
        #expect(child.wait().termination == .signalled(SIGKILL))
        #expect(!child.isRunning)
        child.send(SIGKILL)  // after its exit: nothing is sent
    }

    @Test func aStreamNobodyReadsIsDrainedByWait() throws {
        let child = try ChildProcess("/usr/bin/head", ["-c", "1000000", "/dev/zero"], standardOutput: .stream).start()
        #expect(child.wait().termination == .exited(0))
    }

    /// PR_SET_PDEATHSIG follows the spawning *thread*: a child started from a thread that then
    /// ends is killed, though this process lives on. That is the mechanism that kills qemu-img
    /// when kdumpbake dies, and why `run()`, which blocks its thread, is the way to use it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "util-linux setpriv missing"))
    func aChildThatDiesWithItsParentDiesWithItsSpawningThread() throws {
        let started = Mutex<RunningChild?>(nil)
        let spawned = DispatchSemaphore(value: 0)
        let start = ContinuousClock.now
        Thread {
            started.withLock { $0 = try? ChildProcess("/bin/sleep", ["30"], diesWithParent: true).start() }
            spawned.signal()
            // Long enough for setpriv to set the signal and exec sleep: a thread gone before
            // that leaves no parent to die (the documented window of `ParentDeath`).
            Thread.sleep(forTimeInterval: 0.5)
        }.start()
        spawned.wait()
        let child = try #require(started.withLock { $0 })
        #expect(child.wait().termination == .signalled(SIGKILL))
        #expect(ContinuousClock.now - start < .seconds(10))

        // Run on this thread, it lives its life and reports its own status.
        #expect(try ChildProcess("/bin/sh", ["-c", "exit 4"], diesWithParent: true).run().termination == .exited(4))
    }
}
