/// The outcome of one check on one image.
public enum FindingStatus: String, Codable, Sendable, CaseIterable {
    case pass, fail, warn, skip, error

    /// `fail` and `error` make an image non-compliant; `warn` and `skip` do not.
    public var breaksCompliance: Bool { self == .fail || self == .error }
}

/// One check's result: `{check, status, message, path, expected, actual}` in JSON reports.
///
/// Check ids are stable (`sysctl.kernel_panic`, `kdump.config`, …): pipelines match on them.
public struct Finding: Codable, Equatable, Sendable {
    public var check: String
    public var status: FindingStatus
    public var message: String
    /// The guest (or host) file the finding is about, when there is one.
    public var path: String?
    public var expected: String?
    public var actual: String?

    public init(check: String, status: FindingStatus, message: String, path: String? = nil, expected: String? = nil, actual: String? = nil) {
        self.check = check
        self.status = status
        self.message = message
        self.path = path
        self.expected = expected
        self.actual = actual
    }
}
