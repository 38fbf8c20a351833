import Foundation
import HostProcess

/// Runs a host decompressor over guest bytes: argv (no shell), data in from a staged file and
/// out through a pipe (`ChildProcess`), output capped, run time capped.
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
        // The input is staged in a file, not pushed through a pipe: a tool that stops reading
        // (corrupt input, killed) cannot block us or raise SIGPIPE. Past `maxOutput` the tool
        // is killed at once: what it would still write is of no use.
        let command = ChildProcess(executable, Array(argv.dropFirst()), standardInput: .bytes(Array(input)),
                                   standardOutput: .capture(limit: maxOutput, overflow: .killChild),
                                   standardError: .capture(limit: 64 << 10), timeLimit: .seconds(timeout))
        let outcome: ChildProcess.Outcome
        do { outcome = try command.run() } catch { throw .toolMissing("\(tool) (\(error.reason))") }
        let status: Int32
        switch outcome.termination {
        case .timedOut: throw .timedOut(tool: tool, seconds: timeout)
        case .exited(let code): status = code
        case .signalled(let signal): status = 128 + signal
        }
        if outcome.standardOutputTruncated { throw .outputTooLarge(tool: tool, limit: maxOutput) }
        let stderr = outcome.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines)
        return Output(data: outcome.standardOutput, status: status, stderr: stderr)
    }

    /// PATH plus the usual system directories, first executable match.
    static func resolve(_ tool: String) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return directories.map { $0 + "/" + tool }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
