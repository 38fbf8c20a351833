/// Identifies a RHEL-family (or other) Linux guest from its release files, as libguestfs
/// inspection does, but without inspection's cost (~25 s per image under TCG): a handful of
/// small files say everything kdumpbake needs.
public enum ReleaseFiles {
    public struct Identity: Equatable, Sendable {
        public var distro: String
        public var version: DistroVersion
        public var productName: String
    }

    /// Release-file product names and the libguestfs distro id they map to, most specific first.
    private static let redHatFamily: [(prefix: String, distro: String)] = [
        ("CentOS Stream", "centos"), ("CentOS", "centos"),
        ("Red Hat Enterprise Linux", "rhel"),
        ("Oracle Linux", "oraclelinux"), ("Enterprise Linux", "oraclelinux"),
        ("Scientific Linux", "scientificlinux"),
        ("Rocky Linux", "rocky"), ("AlmaLinux", "almalinux"),
        ("Fedora", "fedora"),
    ]

    /// `/etc/redhat-release`-style text: `CentOS release 6.4 (Final)`,
    /// `CentOS Linux release 7.9.2009 (Core)`, `Red Hat Enterprise Linux Server release 7.9 (Maipo)`.
    public static func parseRedHatRelease(_ text: String) -> Identity? {
        guard let line = text.split(whereSeparator: \.isNewline).first.map({ String($0).trimmingCharacters(in: .whitespaces) }),
              !line.isEmpty, line.count < 512 else { return nil }
        guard let family = redHatFamily.first(where: { line.hasPrefix($0.prefix) }) else { return nil }
        guard let releaseRange = line.range(of: " release ") else { return nil }
        let versionWord = line[releaseRange.upperBound...].prefix { $0.isNumber || $0 == "." }
        let parts = versionWord.split(separator: ".")
        guard let major = parts.first.flatMap({ Int($0) }) else { return nil }
        let minor = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        // As written, up to the minor: `7.9` of `7.9.2009`, the release line the profiles match.
        let written = parts.prefix(2).joined(separator: ".")
        return Identity(distro: family.distro, version: DistroVersion(major, minor, written: written), productName: line)
    }

    /// `/etc/os-release`: `ID` and `VERSION_ID` (which on el7 has no minor: `"7"`).
    public static func parseOSRelease(_ text: String) -> Identity? {
        let values = ShellAssignments.parse(text)
        guard let id = values.value("ID"), !id.isEmpty else { return nil }
        let versionID = values.value("VERSION_ID") ?? ""
        let parts = versionID.split(separator: ".")
        let major = parts.first.flatMap { Int($0) } ?? 0
        let minor = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let distro = ["ol": "oraclelinux", "scientific": "scientificlinux"][id] ?? id
        // VERSION_ID as written (`22.04`, `12`) when it is a plain version; a short, numeric one only,
        // since it is guest text that reaches reports.
        let plain = !versionID.isEmpty && versionID.count <= 16 && versionID.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        let version = DistroVersion(major, minor, written: plain && parts.first.flatMap({ Int($0) }) != nil ? versionID : nil)
        return Identity(distro: distro, version: version, productName: values.value("PRETTY_NAME") ?? id)
    }

    /// The identity from whichever files exist: the Red Hat release file wins because it carries
    /// the minor version (`7.9`), which os-release lacks on el7.
    public static func identify(redhatRelease: String?, osRelease: String?) -> Identity? {
        redhatRelease.flatMap(parseRedHatRelease) ?? osRelease.flatMap(parseOSRelease)
    }
}
