/// A kexec-tools package version as RPM names it: `2.0.0-258.el6` (upstream `2.0.0`, release 258).
///
/// Red Hat changed kdump's behaviour inside one upstream version (el6 ships 2.0.0 from 6.0 to
/// 6.10, el7.5+ ships 2.0.15), so the rules key on the RPM release number; the facts are in
/// ../shared/reference/kexec-tools-real.md.
public struct KexecToolsVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// Upstream version components: `[2, 0, 15]`.
    public var upstream: [Int]
    /// The first number of the RPM release: 258 in `258.el6_4.2`.
    public var release: Int

    public init(upstream: [Int], release: Int) {
        self.upstream = upstream
        self.release = release
    }

    /// Parses `2.0.0-258.el6`, `kexec-tools-2.0.15-33.el7.x86_64` or `2.0.15-33.el7`; nil for
    /// anything else. Guest-derived text: digits only are taken, never evaluated.
    public init?(parsing text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("kexec-tools-") { rest = rest.dropFirst("kexec-tools-".count) }
        let parts = rest.split(separator: "-", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let upstream = parts[0].split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard !upstream.isEmpty, upstream.count <= 4, upstream.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        let releaseDigits = parts[1].prefix { $0.isASCII && $0.isNumber }
        guard !releaseDigits.isEmpty, releaseDigits.count <= 6, let release = Int(releaseDigits) else { return nil }
        self.upstream = upstream.map { $0! }
        self.release = release
    }

    public var description: String { upstream.map(String.init).joined(separator: ".") + "-\(release)" }

    public static func < (lhs: KexecToolsVersion, rhs: KexecToolsVersion) -> Bool {
        for (l, r) in zip(lhs.upstream, rhs.upstream) where l != r { return l < r }
        if lhs.upstream.count != rhs.upstream.count { return lhs.upstream.count < rhs.upstream.count }
        return lhs.release < rhs.release
    }
}
