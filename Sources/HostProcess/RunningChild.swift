import Foundation
import Synchronization

/// A spawned child: signal it, read its `.stream` output, wait for its outcome. Any thread may
/// use it; `wait()` may be called more than once and from several threads.
public final class RunningChild: Sendable {
    public let processIdentifier: pid_t
    /// Kept until the child is reaped; Foundation reaps it, not us (see `ExitLatch`).
    private let process: Process
    private let exit: ExitLatch
    private let timeLimit: Duration?
    /// When readers stop waiting for the end of output: the time limit plus a grace for what the
    /// killed child's pipes still hold. nil without a time limit: they wait for end of file.
    private let giveUpAt: DispatchTime?
    private let readers = DispatchGroup()
    private let captures: [StandardStream: Capture]
    /// `.stream` pipes nobody has started reading yet.
    private let unclaimed: Mutex<[StandardStream: FileHandle]>
    private let outputAbandoned = Mutex(false)

    /// How long a reader keeps reading after the time limit: the kill closes the child's end at
    /// once, so only a descendant still holding the pipe makes a reader wait this long.
    static let grace: Duration = .seconds(2)

    init(process: Process, exit: ExitLatch, timeLimit: Duration?,
         outputs: [(stream: StandardStream, output: ChildProcess.Output, pipe: Pipe?)]) {
        processIdentifier = process.processIdentifier
        self.process = process
        self.exit = exit
        self.timeLimit = timeLimit
        let deadline = timeLimit.map { DispatchTime.now() + $0.dispatchInterval }
        giveUpAt = deadline.map { $0 + Self.grace.dispatchInterval }
        var captures: [StandardStream: Capture] = [:]
        var unclaimed: [StandardStream: FileHandle] = [:]
        for (stream, output, pipe) in outputs {
            guard let pipe else { continue }
            switch output {
            case .capture(let limit, let overflow): captures[stream] = Capture(limit: limit, overflow: overflow, from: pipe.fileHandleForReading)
            case .stream: unclaimed[stream] = pipe.fileHandleForReading
            case .discard, .inherit: break
            }
        }
        self.captures = captures
        self.unclaimed = Mutex(unclaimed)

        exit.watch(process)
        for capture in captures.values {
            onOwnThread(capture.source) { [self] chunk in
                if capture.append(chunk), capture.overflow == .killChild { send(SIGKILL) }
            }
        }
        if let deadline {
            // A thread of its own rather than a dispatch timer: the global pool grows only after
            // about a second when its 2 threads are blocked, and the kill must not wait for that.
            Thread { [self] in
                if !exit.wait(until: deadline) { exit.expire(processIdentifier) }
            }.start()
        }
    }

    /// Whether the child has not been seen to exit.
    public var isRunning: Bool { !exit.hasExited }

    /// Sends `signal` to the child unless it has been seen to exit. The exit is seen while the
    /// child is still an unreaped zombie (`ExitLatch`), so its pid cannot have been given to
    /// another process yet.
    public func send(_ signal: Int32) {
        exit.whileRunning { kill(processIdentifier, signal) }
    }

    /// Reads a `.stream` output on this thread until its end, handing over each chunk as it comes.
    public func readChunks(of stream: StandardStream, _ body: (ArraySlice<UInt8>) -> Void) {
        let handle = unclaimed.withLock { $0.removeValue(forKey: stream) }
        guard let handle else { preconditionFailure("\(stream) is not a .stream output, or is already read") }
        if !PipeReading.readToEnd(handle.fileDescriptor, giveUpAt: giveUpAt, body) { outputAbandoned.withLock { $0 = true } }
        try? handle.close()
    }

    /// `readChunks` split into lines at any byte of `separators` (see `ChildProcess.run(readingLinesOf:)`).
    public func readLines(of stream: StandardStream, separatedBy separators: [UInt8] = [0x0A], _ body: (String) -> Void) {
        var pending: [UInt8] = []
        readChunks(of: stream) { chunk in
            var start = chunk.startIndex
            for index in chunk.indices where separators.contains(chunk[index]) {
                pending += chunk[start..<index]
                body(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            pending += chunk[start...]
        }
        if !pending.isEmpty { body(String(decoding: pending, as: UTF8.self)) }
    }

    /// Waits for the child's end and for its captured output, and says how it ended. A `.stream`
    /// output nobody read is drained and dropped first, so the child is never left blocked on it.
    public func wait() -> ChildProcess.Outcome {
        let forgotten = unclaimed.withLock { streams in
            defer { streams.removeAll() }
            return Array(streams.values)
        }
        for handle in forgotten { onOwnThread(handle) { _ in } }
        _ = exit.wait()
        readers.wait()

        var termination = exit.termination
        if let timeLimit, exit.expired || outputAbandoned.withLock({ $0 }) { termination = .timedOut(timeLimit) }
        let output = captures[.standardOutput]?.kept ?? (bytes: [], truncated: false)
        let errors = captures[.standardError]?.kept ?? (bytes: [], truncated: false)
        return ChildProcess.Outcome(termination: termination, standardOutput: output.bytes, standardError: errors.bytes,
                                    standardOutputTruncated: output.truncated, standardErrorTruncated: errors.truncated)
    }

    /// Reads `handle` to its end on a thread of its own. Dedicated threads, not the dispatch pool:
    /// these block, and on 2 cores the pool grows only after about a second.
    private func onOwnThread(_ handle: FileHandle, _ body: @escaping @Sendable (ArraySlice<UInt8>) -> Void) {
        readers.enter()
        Thread { [self] in
            if !PipeReading.readToEnd(handle.fileDescriptor, giveUpAt: giveUpAt, body) { outputAbandoned.withLock { $0 = true } }
            try? handle.close()
            readers.leave()
        }.start()
    }
}

/// One captured stream: the first `limit` bytes and whether more came.
final class Capture: Sendable {
    let limit: Int
    let overflow: ChildProcess.Overflow
    let source: FileHandle
    private let state = Mutex((bytes: [UInt8](), truncated: false))

    init(limit: Int, overflow: ChildProcess.Overflow, from source: FileHandle) {
        self.limit = max(0, limit)
        self.overflow = overflow
        self.source = source
    }

    /// Keeps what fits; true the first time a chunk goes past the limit.
    func append(_ chunk: ArraySlice<UInt8>) -> Bool {
        state.withLock { kept in
            let room = limit - kept.bytes.count
            if chunk.count <= room {
                kept.bytes += chunk
                return false
            }
            kept.bytes += chunk.prefix(room)
            defer { kept.truncated = true }
            return !kept.truncated
        }
    }

    var kept: (bytes: [UInt8], truncated: Bool) { state.withLock { ($0.bytes, $0.truncated) } }
}

enum PipeReading {
    /// Reads `descriptor` until end of file, handing each chunk to `body`. With `giveUpAt`, stops
    /// waiting then and returns false: a descendant of the child may hold the pipe open forever.
    static func readToEnd(_ descriptor: Int32, giveUpAt: DispatchTime?, _ body: (ArraySlice<UInt8>) -> Void) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let giveUpAt {
                let now = DispatchTime.now()
                guard now < giveUpAt else { return false }
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(clamping: (giveUpAt.uptimeNanoseconds - now.uptimeNanoseconds) / 1_000_000 + 1)
                if poll(&entry, 1, milliseconds) == 0 { continue }  // the loop checks the time again
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return true }
            body(buffer[0..<count])
        }
    }
}

extension Duration {
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        return .nanoseconds(Int(max(0, min(nanoseconds, 1e18))))
    }
}
