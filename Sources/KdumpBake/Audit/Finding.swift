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
    /// `kdump.initrd` only: per kernel, whether the guest's kdump service will replace the
    /// baked initrd at its first start on Azure, and why (`first_boot` in JSON).
    public var firstBoot: [FirstBootRebuild]?
    /// The kexec-tools release whose rules the check applied, and where it was learnt
    /// (`KexecToolsRelease.summary`): checks that depend on the release say which they used.
    public var rules: String?

    enum CodingKeys: String, CodingKey {
        case check, status, message, path, expected, actual, rules
        case firstBoot = "first_boot"
    }

    public init(check: String, status: FindingStatus, message: String, path: String? = nil, expected: String? = nil, actual: String? = nil,
                firstBoot: [FirstBootRebuild]? = nil, rules: String? = nil) {
        self.check = check
        self.status = status
        self.message = message
        self.path = path
        self.expected = expected
        self.actual = actual
        self.firstBoot = firstBoot
        self.rules = rules
    }
}
