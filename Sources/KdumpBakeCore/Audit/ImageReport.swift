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
    /// `raw`, `qcow2` or `vhd`, detected from the content; nil when the file could not be read.
    public var format: String?
    public var os: OS?
    public var profile: String?
    public var findings: [Finding]

    /// No finding is `fail` or `error`.
    public var compliant: Bool { !findings.contains { $0.status.breaksCompliance } }
    /// Some finding is `error`: the image could not be (fully) audited.
    public var hasErrors: Bool { findings.contains { $0.status == .error } }

    public init(path: String, format: String? = nil, os: OS? = nil, profile: String? = nil, findings: [Finding] = []) {
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

extension ImageReport.OS {
    package init(_ os: GuestOS) {
        self.init(type: os.type, distro: os.distro, version: os.version.description, arch: os.arch, product: os.productName)
    }
}
