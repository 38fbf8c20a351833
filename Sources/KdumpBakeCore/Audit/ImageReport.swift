/// The audit of one image: what it is, which profile applied, and every finding.
public struct ImageReport: Encodable, Equatable, Sendable {
    public struct OS: Codable, Equatable, Sendable {
        public var type: String
        public var distro: String
        public var version: String
        public var arch: String
        public var product: String
    }

    public var path: String
    /// Detected from the content (`raw`, `qcow2` or `vhd` in reports); nil when the file could not be read.
    public var format: DiskImageFormat?
    public var os: OS?
    public var profile: String?
    public var findings: [Finding]

    /// No finding is `fail` or `error`.
    public var compliant: Bool { !findings.contains { $0.status.breaksCompliance } }
    /// Some finding is `error`: the image could not be (fully) audited.
    public var hasErrors: Bool { findings.contains { $0.status == .error } }
    /// The one-word outcome: errors first, because an image that was not fully audited is not
    /// known to be compliant either.
    public var verdict: Verdict { hasErrors ? .error : compliant ? .compliant : .nonCompliant }

    public init(path: String, format: DiskImageFormat? = nil, os: OS? = nil, profile: String? = nil, findings: [Finding] = []) {
        self.path = path
        self.format = format
        self.os = os
        self.profile = profile
        self.findings = findings
    }

    enum CodingKeys: String, CodingKey { case path, format, os, profile, compliant, findings }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(format, forKey: .format)
        try container.encode(os, forKey: .os)
        try container.encode(profile, forKey: .profile)
        try container.encode(compliant, forKey: .compliant)
        try container.encode(findings, forKey: .findings)
    }
}

extension ImageReport {
    /// How the audit of one image came out, as `--events json` writes it in its `finished` event.
    public enum Verdict: String, Encodable, Sendable, CaseIterable, CustomStringConvertible {
        /// No finding is `fail` or `error`.
        case compliant
        /// Some finding is `fail`, none is `error`.
        case nonCompliant = "non-compliant"
        /// Some finding is `error`: the image could not be (fully) audited.
        case error

        public var description: String { rawValue }
    }
}

/// Written as its name in reports (`"format": "vhd"`), the same text as `rawValue`.
extension DiskImageFormat: Encodable {}

extension ImageReport.OS {
    package init(_ os: GuestOS) {
        self.init(type: os.type, distro: os.distro, version: os.version.description, arch: os.arch, product: os.productName)
    }
}
