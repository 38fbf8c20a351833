/// The outcome of one check on one image.
public enum FindingStatus: String, Codable, Sendable, CaseIterable {
    case pass, fail, warn, skip, error

    /// `fail` and `error` make an image non-compliant; `warn` and `skip` do not.
    public var breaksCompliance: Bool { self == .fail || self == .error }
}

/// One check's result: `{check, status, message, path, expected, actual}` in JSON reports.
///
/// Check ids are stable (`sysctl.kernel_panic`, `kdump.config`, …): pipelines match on them.
///
/// Messages and values quote guest text, and a hostile guest can make that text as long as it
/// likes (one 10 MB kdump.conf line, thousands of bad lines). As a backstop, `message` is cut
/// at `messageLimit` and `expected`/`actual` at `valueLimit` characters (Unicode scalars),
/// with a visible `… (N more characters)` at the cut — in `init` and on every later change
/// (decoding a JSON report keeps what the report holds).
public struct Finding: Codable, Equatable, Sendable {
    public var check: CheckID
    public var status: FindingStatus
    public var message: String {
        didSet { message = Self.bounded(message, limit: Self.messageLimit) }
    }
    /// The guest (or host) file the finding is about, when there is one.
    public var path: String?
    public var expected: String? {
        didSet { expected = expected.map { Self.bounded($0, limit: Self.valueLimit) } }
    }
    public var actual: String? {
        didSet { actual = actual.map { Self.bounded($0, limit: Self.valueLimit) } }
    }
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

    public init(check: CheckID, status: FindingStatus, message: String, path: String? = nil, expected: String? = nil, actual: String? = nil,
                firstBoot: [FirstBootRebuild]? = nil, rules: String? = nil) {
        self.check = check
        self.status = status
        self.message = Self.bounded(message, limit: Self.messageLimit)
        self.path = path
        self.expected = expected.map { Self.bounded($0, limit: Self.valueLimit) }
        self.actual = actual.map { Self.bounded($0, limit: Self.valueLimit) }
        self.firstBoot = firstBoot
        self.rules = rules
    }
}

extension Finding {
    /// The longest `message` kept, in Unicode scalars: room for a dozen problems, each quoting
    /// a guest line (`excerptLimit`), joined with "; ".
    public static let messageLimit = 4096
    /// The longest `expected` and `actual` kept, in Unicode scalars. These summarise several
    /// lines (all kdump.conf directives, the modules in an initramfs), so a real guest's stay
    /// well within it; a longer one is hostile or broken and gains nothing from being quoted whole.
    public static let valueLimit = 1024
    /// The longest single guest string (a kdump.conf argument, a sysctl value) a check quotes
    /// inside a message: `excerpt(_:)`.
    public static let excerptLimit = 200

    /// `text` cut after `limit` Unicode scalars, with `… (N more characters)` saying how many
    /// were dropped; unchanged when not longer. Counted in scalars, not `Character`s, because one
    /// grapheme cluster can carry any number of combining scalars.
    public static func bounded(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit else { return text }  // cheap: never fewer bytes than scalars
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var kept = String.UnicodeScalarView(scalars.prefix(limit))
        kept.append(contentsOf: "… (\(scalars.count - limit) more characters)".unicodeScalars)
        return String(kept)
    }

    /// A guest string to quote inside a finding's message, at most `excerptLimit` scalars (and
    /// the marker): long enough to recognise the line, short enough that a dozen fit.
    public static func excerpt(_ guestText: some StringProtocol) -> String {
        bounded(String(guestText), limit: excerptLimit)
    }
}
