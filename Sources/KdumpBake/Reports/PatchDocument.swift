import Foundation

/// The JSON report of `kdumpbake patch --format json`: `{tool, version, images: [...], summary}`.
public struct PatchDocument: Encodable, Sendable {
    public var tool = "kdumpbake"
    public var version = KdumpBakeVersion.current
    public var images: [PatchReport]
    public var summary: [String: Int]

    public init(reports: [PatchReport]) {
        images = reports
        var counts: [String: Int] = ["images": reports.count]
        for report in reports { counts[report.status.rawValue, default: 0] += 1 }
        summary = counts
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}

/// The human report of `kdumpbake patch`: per image, its verdict, what changed, and diffs.
public enum PatchTextReport {
    public static func render(_ reports: [PatchReport]) -> String {
        var out = ""
        for report in reports {
            out += "\(report.message)\n"
            for change in report.changes { out += "  \(change)\n" }
            for note in report.notes { out += "  note: \(note)\n" }
            if report.status == .failed {
                for finding in report.findings where finding.status.breaksCompliance {
                    out += "  \(finding.status.rawValue.uppercased()) \(finding.check): \(finding.message)\n"
                }
            }
            if report.status == .wouldPatch, let diff = report.diff, !diff.isEmpty { out += diff }
        }
        return out
    }
}
