import Foundation
import Glibc
import HostProcess

/// Reads byte ranges of a remote image with the host's `curl`, one process per request.
///
/// Why curl and not URLSession: Foundation on Linux cannot be told to trust a private
/// certificate authority (`--ca-file`), and curl is what every build agent has; one spawn per
/// range costs milliseconds against a network round trip.
///
/// What keeps the URL secret and the transfer honest:
/// - The URL reaches curl as a config file on a pipe (`--config -`), never as an argument, so
///   `ps` and `/proc/PID/cmdline` show no SAS token; it never touches the disk either.
/// - `-q` first: a `~/.curlrc` cannot change what curl does (follow redirects, skip TLS checks).
/// - No `--location`: a redirect is an error; TLS verification is curl's default and stays on.
/// - `--max-filesize`: a server that ignores `Range` and starts sending a 30 GB file is cut off
///   before the body, and said to lack range support.
public struct HTTPRangeClient: Sendable {
    public var url: RemoteImageURL
    /// PEM file of the certificate authorities to trust instead of the system's (curl `--cacert`).
    public var caFile: String?
    /// Each request's whole time limit.
    public var timeLimit: Duration

    /// The host's curl.
    static let curl = "/usr/bin/curl"

    public init(url: RemoteImageURL, caFile: String? = nil, timeLimit: Duration = .seconds(60)) {
        self.url = url
        self.caFile = caFile
        self.timeLimit = timeLimit
    }

    /// One answered range: its bytes and the whole file's size from `Content-Range`.
    struct Answer {
        var bytes: [UInt8]
        var fileSize: UInt64
    }

    /// The last `count` bytes of the file (a suffix range): how the size is learned, with the
    /// VHD footer in the same request.
    func tail(_ count: Int) throws(RemoteImageError) -> Answer {
        try fetch(range: "-\(count)", expected: nil, limit: count)
    }

    /// Exactly `count` bytes at `offset`; the caller keeps the range inside the file.
    func read(at offset: UInt64, count: Int) throws(RemoteImageError) -> Answer {
        try fetch(range: "\(offset)-\(offset + UInt64(count) - 1)", expected: count, limit: count)
    }

    private func fetch(range: String, expected: Int?, limit: Int) throws(RemoteImageError) -> Answer {
        let seconds = max(1, Int(timeLimit.components.seconds))
        var arguments = ["-q", "--config", "-", "--silent", "--show-error", "--proto", "=http,https",
                         "--range", range, "--max-filesize", String(limit),
                         "--connect-timeout", String(min(seconds, 30)), "--max-time", String(seconds),
                         "--dump-header", "/dev/stderr", "--output", "-"]
        if let caFile { arguments += ["--cacert", caFile] }
        let config: Int32
        do { config = try Self.pipeHolding(CurlConfig.url(url.full)) } catch { throw RemoteImageError(url: url, problem: .transport(error.description)) }
        defer { close(config) }
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess(Self.curl, arguments, standardInput: .fileDescriptor(config),
                                       standardOutput: .capture(limit: limit + 1, overflow: .killChild),
                                       standardError: .capture(limit: 64 << 10), timeLimit: timeLimit + .seconds(5)).run()
        } catch {
            throw RemoteImageError(url: url, problem: .transport("\(error)"))
        }
        let response = CurlResponse(headers: outcome.standardErrorText, query: url.query)
        if case .timedOut = outcome.termination { throw RemoteImageError(url: url, problem: .timedOut(seconds)) }
        guard case .exited(let code) = outcome.termination else {
            throw RemoteImageError(url: url, problem: .transport("curl ended by \(outcome.termination)"))
        }
        if code != 0 { throw RemoteImageError(url: url, problem: response.problem(curlExit: code, seconds: seconds)) }
        if let problem = response.statusProblem { throw RemoteImageError(url: url, problem: problem) }
        guard let fileSize = response.fileSize else {
            throw RemoteImageError(url: url, problem: .noRangeSupport("answered 206 without a usable Content-Range header"))
        }
        if outcome.standardOutputTruncated || outcome.standardOutput.count > limit {
            throw RemoteImageError(url: url, problem: .noRangeSupport("sent more than the \(limit) bytes asked for"))
        }
        // A suffix range of a file shorter than it gets the whole file.
        let wanted = expected ?? Int(min(UInt64(limit), fileSize))
        if outcome.standardOutput.count != wanted {
            throw RemoteImageError(url: url, problem: .shortRead(got: outcome.standardOutput.count, asked: wanted, range: range))
        }
        return Answer(bytes: outcome.standardOutput, fileSize: fileSize)
    }

    /// One end of a connected socket pair already holding `bytes` (far below the socket's buffer,
    /// so the write cannot block), the other end closed: curl reads them and then EOF. A socket
    /// pair rather than a pipe because it is born close-on-exec (pipe2 is not imported): a
    /// child spawned meanwhile on another thread never inherits the writing end and holds EOF back.
    static func pipeHolding(_ bytes: [UInt8]) throws(RemoteImageURLError) -> Int32 {
        guard bytes.count < 16 << 10 else { throw .invalid("longer than 16 KiB") }
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw .invalid("socketpair: \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        close(ends[1])
        guard written == bytes.count else {
            close(ends[0])
            throw .invalid("pipe write failed")
        }
        return ends[0]
    }
}
