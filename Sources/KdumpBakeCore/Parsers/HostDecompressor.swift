import Foundation

/// Runs a host decompressor over guest bytes: argv (no shell), data in and out through pipes,
/// output capped, run time capped.
///
/// Initrds come in six compressions; host tools handle them all and are far better tested
/// than anything we would write. Guest bytes are only *data* to them (no guest code runs), but
/// they are hostile data, so a decompression bomb must not eat the host's memory (`maxOutput`)
/// and a wedged tool must not hang the audit (`timeout`: SIGKILL).
public struct HostDecompressor: Sendable {
    public var maxOutput: Int
    public var timeout: Double

    public static let defaultMaxOutput = 512 << 20

    public init(maxOutput: Int = HostDecompressor.defaultMaxOutput, timeout: Double = 60) {
        self.maxOutput = maxOutput
        self.timeout = timeout
    }

    /// What the tool produced. A non-zero `status` with output is not thrown: decompressors
    /// complain about trailing padding *after* writing everything (zstd, lz4), so the caller
    /// decides from the output whether the run is usable.
    public struct Output: Sendable {
        public var data: [UInt8]
        public var status: Int32
        public var stderr: String
    }

    public func run(_ argv: [String], input: ArraySlice<UInt8>) throws(InitrdError) -> Output {
        guard let tool = argv.first else { throw .toolMissing("(empty command)") }
        guard let executable = Self.resolve(tool) else { throw .toolMissing(tool) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe

        // terminationHandler + semaphore rather than waitUntilExit(): the latter polls a run loop
        // on Linux and cannot time out.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { throw .toolMissing("\(tool) (\(error))") }
        let pid = process.processIdentifier

        let output = Collector(limit: maxOutput), errors = Collector(limit: 64 << 10)
        let done = DispatchGroup()
        let inputData = Array(input)
        let inFD = inPipe.fileHandleForWriting.fileDescriptor
        let outFD = outPipe.fileHandleForReading.fileDescriptor
        let errFD = errPipe.fileHandleForReading.fileDescriptor
        // Dedicated threads: these block, and the shared dispatch pool grows too slowly on 2 cores.
        Self.onThread(done) { Self.feed(inputData, to: inFD); try? inPipe.fileHandleForWriting.close() }
        Self.onThread(done) {
            Self.drain(outFD, into: output) { kill(pid, SIGKILL) }
        }
        Self.onThread(done) { Self.drain(errFD, into: errors) {} }

        let timedOut = exited.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(pid, SIGKILL)
            exited.wait()
        }
        done.wait()
        if timedOut { throw .timedOut(tool: tool, seconds: timeout) }
        if output.overflowed { throw .outputTooLarge(tool: tool, limit: maxOutput) }
        let stderr = String(decoding: errors.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return Output(data: output.bytes, status: status, stderr: stderr)
    }

    /// Writes everything to the pipe. SIGPIPE is blocked on this thread, so a tool that exits
    /// early (corrupt input, killed) makes write() fail with EPIPE instead of killing us; the
    /// pending thread-directed signal is discarded when the thread ends.
    private static func feed(_ data: [UInt8], to fd: Int32) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var written = 0
            while written < buffer.count {
                let result = write(fd, base + written, min(buffer.count - written, 1 << 20))
                if result > 0 { written += result }
                else if result < 0 && errno == EINTR { continue }
                else { return }
            }
        }
        // Drain a pending SIGPIPE so it cannot be delivered if the mask is ever lifted.
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 {
            var timeout = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&set, nil, &timeout)
        }
    }

    /// Reads until EOF; on overflow calls `stop` (kill the tool) and keeps reading to let it die.
    private static func drain(_ fd: Int32, into collector: Collector, stop: () -> Void) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var stopped = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            if !collector.append(buffer[0..<count]) && !stopped {
                stopped = true
                stop()
            }
        }
    }

    private static func onThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.start()
    }

    /// PATH plus the usual system directories, first executable match.
    static func resolve(_ tool: String) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return directories.map { $0 + "/" + tool }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Bytes gathered by a reader thread, capped.
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [UInt8] = []
    private var exceeded = false
    package let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Appends; false (and nothing kept) once the limit is passed.
    func append(_ chunk: ArraySlice<UInt8>) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !exceeded else { return false }
        if storage.count + chunk.count > limit { exceeded = true; return false }
        storage += chunk
        return true
    }

    var bytes: [UInt8] { lock.lock(); defer { lock.unlock() }; return storage }
    var overflowed: Bool { lock.lock(); defer { lock.unlock() }; return exceeded }
}
