import Foundation

/// A distro version as inspection reports it: major and minor (`6.4`, `7.9`).
public struct DistroVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    /// The version as the guest writes it (`22.04`, `12`, `6.4`), for reports; nil: `major.minor`.
    /// Not part of equality or order: 22.04 is the release line 22.4 that ranges compare.
    public var written: String?

    public init(_ major: Int, _ minor: Int = 0, written: String? = nil) {
        self.major = major
        self.minor = minor
        self.written = written
    }

    public static func == (lhs: DistroVersion, rhs: DistroVersion) -> Bool {
        (lhs.major, lhs.minor) == (rhs.major, rhs.minor)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
    }

    /// Parses `"6"` or `"6.4"`; nil for anything else (`"6.x"`, `"6.4.1"`, `""`).
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              let major = Int(parts[0]), major >= 0, parts[0].allSatisfy(\.isASCII) else { return nil }
        var minor = 0
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 0, parts[1].allSatisfy(\.isASCII) else { return nil }
            minor = value
        }
        self.init(major, minor)
    }

    public static func < (lhs: DistroVersion, rhs: DistroVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { written ?? "\(major).\(minor)" }
}

/// A set of versions written the way package managers do: `">=6.3, <7"`.
///
/// Clauses are separated by commas and all must hold. Each is an operator (`>=`, `>`, `<=`, `<`,
/// `=`, `==`, `!=`) and a version `N` or `N.M`. A bare version means that release line:
/// `"7"` is `>=7, <8`, `"6.4"` is exactly 6.4.
public struct VersionRange: Equatable, Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable, CaseIterable {
        case greaterOrEqual = ">=", greater = ">", lessOrEqual = "<=", less = "<", notEqual = "!=", equal = "=="
    }

    public struct Clause: Equatable, Sendable {
        public var op: Operator
        public var version: DistroVersion

        func holds(for candidate: DistroVersion) -> Bool {
            switch op {
            case .greaterOrEqual: candidate >= version
            case .greater: candidate > version
            case .lessOrEqual: candidate <= version
            case .less: candidate < version
            case .notEqual: candidate != version
            case .equal: candidate == version
            }
        }
    }

    public var clauses: [Clause]
    /// The text the range was written as, for messages.
    public var text: String

    /// Parses a range; nil when `text` is not one (the caller reports where).
    public init?(parsing text: String) {
        var clauses: [Clause] = []
        for rawClause in text.split(separator: ",", omittingEmptySubsequences: false) {
            let clause = rawClause.trimmingCharacters(in: .whitespaces)
            guard !clause.isEmpty else { return nil }
            // Longest operators first so ">=" is not read as ">".
            let written = ["==", ">=", "<=", "!=", ">", "<", "="].first { clause.hasPrefix($0) }
            let versionText = clause.dropFirst(written?.count ?? 0).trimmingCharacters(in: .whitespaces)
            guard let version = DistroVersion(parsing: versionText) else { return nil }
            switch written {
            case nil:
                if versionText.contains(".") {
                    clauses.append(Clause(op: .equal, version: version))
                } else {
                    clauses.append(Clause(op: .greaterOrEqual, version: version))
                    // `major + 1` traps for "9223372036854775807" (found by ParserFuzzTests). No
                    // major lies past Int.max, so ">= Int.max" alone already is that release line.
                    let (next, overflow) = version.major.addingReportingOverflow(1)
                    if !overflow { clauses.append(Clause(op: .less, version: DistroVersion(next))) }
                }
            case "=", "==": clauses.append(Clause(op: .equal, version: version))
            default: clauses.append(Clause(op: Operator(rawValue: written!)!, version: version))
            }
        }
        guard !clauses.isEmpty else { return nil }
        self.clauses = clauses
        self.text = text
    }

    public func contains(_ version: DistroVersion) -> Bool {
        clauses.allSatisfy { $0.holds(for: version) }
    }

    public var description: String { text }
}
