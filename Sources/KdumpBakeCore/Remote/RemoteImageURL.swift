import Foundation

/// The address of a disk image on a web server (an Azure storage blob, an artifact server),
/// which `audit` reads in place with HTTP range requests.
///
/// A query string is treated as a secret: on Azure it is the SAS token that grants access. It is
/// kept only here and handed to curl on a pipe (`HTTPRangeClient`); everything a person or
/// another process can see — reports, progress events, messages, process arguments — uses
/// `redacted`, which shows that a query exists but not what it says.
public struct RemoteImageURL: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`, lower-cased.
    public let scheme: String
    /// `host` or `host:port` as written.
    public let authority: String
    /// The percent-encoded path, starting with `/`.
    public let path: String
    /// The query without its `?`; nil when there is none. Secret.
    let query: String?

    /// The URL as given, for curl only.
    var full: String { query.map { "\(scheme)://\(authority)\(path)?\($0)" } ?? "\(scheme)://\(authority)\(path)" }

    /// The URL for people and logs: the query replaced by a marker.
    public var redacted: String { "\(scheme)://\(authority)\(path)\(query == nil ? "" : "?" + Self.queryMarker)" }

    public var description: String { redacted }

    /// What stands for a hidden query string in every output.
    public static let queryMarker = "[query hidden]"

    /// Whether `text` is meant as a URL rather than a file name (`http://` or `https://`).
    public static func looksLikeURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Whether the URL carries a query string (for refusing it on the command line).
    public var hasQuery: Bool { query != nil }

    /// The last path component, percent-decoded: the image's file name (`golden.vhd`).
    public var fileName: String {
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        return last.removingPercentEncoding ?? last
    }

    /// Parses `text`; the errors never quote the query string.
    public init(_ text: String) throws(RemoteImageURLError) {
        guard !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0.value > 0x7E }) else {
            throw .invalid("contains spaces, control or non-ASCII characters: percent-encode them")
        }
        guard let separator = text.range(of: "://") else { throw .invalid("not an http:// or https:// URL") }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw .invalid("scheme \(scheme): only http and https are supported") }
        var rest = Substring(text[separator.upperBound...])
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = String(rest[slash...])
        guard !authority.isEmpty else { throw .invalid("no host") }
        guard !authority.contains("@") else {
            throw .invalid("user name or password in the URL: not supported (use a SAS token in the query, passed with --url-file)")
        }
        guard path.count > 1, !path.hasSuffix("/") else { throw .invalid("no file name in the path") }
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A URL kdumpbake cannot use; the reason never contains the query string.
public enum RemoteImageURLError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): "not a usable image URL: \(reason)"
        }
    }
}
