/// Where an image that `audit` reads lives: a file on the host, or a web server that it is read
/// from in place, by HTTP range requests (`RemoteImage`). `patch` takes files only: it works on
/// a local copy.
public enum ImageSource: Sendable, Equatable {
    case file(String)
    case remote(RemoteImageURL)

    /// How reports, progress and messages name the image: the path, or the URL without its query.
    public var name: String {
        switch self {
        case .file(let path): path
        case .remote(let url): url.redacted
        }
    }
}

/// How remote images are fetched.
public struct HTTPOptions: Sendable, Equatable {
    /// PEM file of the certificate authorities to trust instead of the system's.
    public var caFile: String?
    /// Each range request's time limit.
    public var timeLimit: Duration

    public init(caFile: String? = nil, timeLimit: Duration = .seconds(60)) {
        self.caFile = caFile
        self.timeLimit = timeLimit
    }
}
