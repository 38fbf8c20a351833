/// The config curl reads on its standard input (`--config -`): the one place the secret URL goes.
enum CurlConfig {
    /// `url = "…"`, quoted the way curl's config parser unquotes (backslash escapes).
    /// `RemoteImageURL` has already refused spaces and control characters.
    static func url(_ url: String) -> [UInt8] {
        var quoted = ""
        for character in url {
            if character == "\\" || character == "\"" { quoted.append("\\") }
            quoted.append(character)
        }
        return Array("url = \"\(quoted)\"\n".utf8)
    }
}

/// What curl reported about one request: the response headers it dumped to standard error
/// (`--dump-header /dev/stderr`) and its own error line, if any.
struct CurlResponse: Equatable {
    /// The final response's status code; nil when no response arrived.
    var status: Int?
    /// The total file size from `Content-Range: bytes A-B/TOTAL`.
    var fileSize: UInt64?
    /// curl's `curl: (N) …` line, with any copy of the secret query removed.
    var curlMessage: String?

    init(headers text: String, query: String?) {
        var status: Int?
        var fileSize: UInt64?
        var message: String?
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("HTTP/") {
                // A new response starts (100 Continue, or the one after it): forget the last one's headers.
                status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
                fileSize = nil
            } else if line.lowercased().hasPrefix("content-range:") {
                fileSize = Self.totalSize(contentRange: line.dropFirst("content-range:".count))
            } else if line.hasPrefix("curl: (") {
                var scrubbed = String(line)
                if let query, !query.isEmpty { scrubbed = scrubbed.replacingOccurrences(of: query, with: RemoteImageURL.queryMarker) }
                message = scrubbed
            }
        }
        self.status = status
        self.fileSize = fileSize
        self.curlMessage = message
    }

    /// `bytes 0-511/268435968` → 268435968; nil for `*` or anything malformed.
    static func totalSize(contentRange value: Substring) -> UInt64? {
        let trimmed = value.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.lowercased().hasPrefix("bytes "), let slash = trimmed.lastIndex(of: "/") else { return nil }
        return UInt64(trimmed[trimmed.index(after: slash)...].trimmingCharacters(in: .whitespaces))
    }

    /// The problem with a response curl completed (exit 0): anything but 206 Partial Content.
    var statusProblem: RemoteImageError.Problem? {
        switch status {
        case 206?: nil
        case nil: .transport("no HTTP response")
        case let code? where (300..<400).contains(code): .redirect(code)
        case 200?: .noRangeSupport("answered 200 with the whole file instead of the range asked for")
        case let code?: .httpStatus(code)
        }
    }

    /// The problem behind curl's non-zero exit `code`.
    func problem(curlExit code: Int32, seconds: Int) -> RemoteImageError.Problem {
        let detail = curlMessage.map { String($0.drop(while: { $0 != ")" }).dropFirst().drop(while: { $0 == " " })) } ?? "curl exit status \(code)"
        switch code {
        case 28: return .timedOut(seconds)
        case 18: return .shortRead(detail: detail)
        case 63:
            if let problem = statusProblem { return problem }
            return .noRangeSupport("sent more than the bytes asked for")
        case 35, 51, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91: return .tls(detail)
        default:
            if let problem = statusProblem, status != nil { return problem }
            return .transport(detail)
        }
    }
}
