/// How one kernel's kdump initrd build ended, as the patch report shows it (`rebuilds` in JSON).
public struct InitrdRebuildResult: Sendable, Equatable, Encodable {
    public enum Outcome: String, Sendable, Encodable {
        /// Exit status 0 and the initrd is there.
        case succeeded
        /// A non-zero exit status, or exit 0 without the initrd it should have written.
        case failed
        /// Killed, with everything it started, at the per-build limit.
        case timedOut = "timed-out"
        /// The batch ended before this build had a status (the driver itself was stopped).
        case notRun = "not-run"
    }

    public var kernel: String
    /// The builder (`mkdumprd`, `mkinitramfs`), for messages.
    public var tool: String
    public var outcome: Outcome
    public var exitCode: Int?
    public var seconds: Double?
    /// The end of what the build printed (at most `outputLimit` bytes, whole lines), for failures.
    public var output: String
    /// Why a build with exit status 0 still failed (no initrd written).
    public var problem: String?

    /// How much of a build's output the report keeps: its last lines say why it failed.
    public static let outputLimit = 2048

    enum CodingKeys: String, CodingKey {
        case kernel, tool, outcome, seconds, output, problem
        case exitCode = "exit_code"
    }

    public init(kernel: String, tool: String, outcome: Outcome, exitCode: Int? = nil, seconds: Double? = nil, output: String = "", problem: String? = nil) {
        self.kernel = kernel
        self.tool = tool
        self.outcome = outcome
        self.exitCode = exitCode
        self.seconds = seconds
        self.output = output
        self.problem = problem
    }

    /// Reads the driver's status line (`exit CODE CENTISECONDS` / `timeout CENTISECONDS`; nil or
    /// anything else: the build never finished) and the tail of its log.
    public init(rebuild: InitrdRebuild, statusLine: String?, outputTail: [UInt8]) {
        let words = (statusLine ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let output = Self.wholeLines(outputTail)
        switch InitrdRebuildBatch.BuildEnd.parse(words[...]) {
        case .exited(let code, let seconds):
            self.init(kernel: rebuild.kernel, tool: rebuild.tool, outcome: code == 0 ? .succeeded : .failed,
                      exitCode: code, seconds: seconds, output: output)
        case .timedOut(let seconds):
            self.init(kernel: rebuild.kernel, tool: rebuild.tool, outcome: .timedOut, seconds: seconds, output: output)
        case nil:
            self.init(kernel: rebuild.kernel, tool: rebuild.tool, outcome: .notRun, output: output)
        }
    }

    /// The last bytes of a log as text: the partial first line is dropped when the log was cut,
    /// trailing blank lines go.
    static func wholeLines(_ tail: [UInt8]) -> String {
        var bytes = tail.suffix(outputLimit)
        if bytes.count < tail.count, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            bytes = bytes[(newline + 1)...]
        }
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }

    /// The last non-blank line of the output: what a one-line failure message quotes.
    public var lastOutputLine: String? {
        output.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
    }

    /// One line for the report: `mkdumprd for KVER: exit 0 in 141.2 s`.
    public var summary: String {
        let took = seconds.map { " in " + Self.format($0) + " s" } ?? ""
        switch outcome {
        case .succeeded: return "\(tool) for \(kernel): exit 0\(took)"
        case .failed:
            if let problem { return "\(tool) for \(kernel): \(problem)" }
            return "\(tool) for \(kernel): exit \(exitCode ?? -1)\(took)" + (lastOutputLine.map { ": \($0)" } ?? "")
        case .timedOut: return "\(tool) for \(kernel): stopped at the time limit\(took)"
        case .notRun: return "\(tool) for \(kernel): not run"
        }
    }

    static func format(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension InitrdRebuildResult {
    /// The failure message of an image whose builds did not all succeed: each failed kernel named
    /// with the reason, e.g. `mkdumprd for 3.10.0-1127.el7.x86_64 failed (exit 1): …`.
    public static func failureMessage(_ results: [InitrdRebuildResult], limit: String) -> String? {
        let failures = results.compactMap { result -> String? in
            switch result.outcome {
            case .succeeded: nil
            case .failed:
                if let problem = result.problem { "\(result.tool) for \(result.kernel) \(problem)" }
                else { "\(result.tool) for \(result.kernel) failed (exit \(result.exitCode ?? -1))" + (result.lastOutputLine.map { ": \($0)" } ?? "") }
            case .timedOut: "\(result.tool) for \(result.kernel) did not finish within \(limit); it was stopped with everything it started"
            case .notRun: "\(result.tool) for \(result.kernel) did not run to the end"
            }
        }
        return failures.isEmpty ? nil : failures.joined(separator: "; ")
    }
}
