/// A remote image that could not be read: one line naming the (redacted) URL and the problem,
/// with what to do about it where there is something to do.
public struct RemoteImageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var url: RemoteImageURL
    public var problem: Problem

    public enum Problem: Equatable, Sendable {
        case redirect(Int)
        case httpStatus(Int)
        case noRangeSupport(String)
        case shortRead(detail: String)
        case timedOut(Int)
        case tls(String)
        case transport(String)

        static func shortRead(got: Int, asked: Int, range: String) -> Problem {
            .shortRead(detail: "the server sent \(got) of the \(asked) bytes asked for (range \(range))")
        }
    }

    public var description: String { "\(url.redacted): \(reason)" }

    public var reason: String {
        switch problem {
        case .redirect(let code):
            "the server answers with a redirect (HTTP \(code)); kdumpbake does not follow redirects: give the final URL"
        case .httpStatus(403):
            "access denied (HTTP 403): the SAS token may have expired, lack read permission, or be missing (pass the URL with its query in --url-file)"
        case .httpStatus(404):
            "not found (HTTP 404)"
        case .httpStatus(416):
            "the server refused the byte range (HTTP 416): the file is shorter than it said"
        case .httpStatus(let code):
            "the server answered HTTP \(code)"
        case .noRangeSupport(let detail):
            "the server does not support range requests (\(detail)); kdumpbake reads stored images by ranges only, never whole"
        case .shortRead(let detail):
            "short read: \(detail)"
        case .timedOut(let seconds):
            "no complete answer within \(seconds) s (a slow or stalled server); --http-timeout raises the limit"
        case .tls(let detail):
            "TLS failed: \(detail); certificate verification stays on: trust a private certificate authority with --ca-file"
        case .transport(let detail):
            "cannot read it: \(detail)"
        }
    }
}
