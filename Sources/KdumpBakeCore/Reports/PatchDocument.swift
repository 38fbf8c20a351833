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
        String(decoding: JSONOutput.encode(self, pretty: true) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}

/// The human report of `kdumpbake patch`: per image, its verdict, what changed, and diffs.
/// Every line quotes guest text (file names, kernel versions, file contents in the diffs), so
/// all of it goes through `TerminalText` — diffs keeping their line breaks.
public enum PatchTextReport {
    public static func render(_ reports: [PatchReport]) -> String {
        var out = ""
        func line(_ text: String) { out += TerminalText.escape(text) + "\n" }
        for report in reports {
            line(report.message)
            for change in report.changes { line("  \(change)") }
            for note in report.notes { line("  note: \(note)") }
            if report.status == .failed {
                for finding in report.findings where finding.status.breaksCompliance {
                    line("  \(finding.status.rawValue.uppercased()) \(finding.check.rawValue): \(finding.message)")
                }
            }
            if report.status == .wouldPatch, let diff = report.diff, !diff.isEmpty { out += TerminalText.escape(diff, allowingNewlines: true) }
        }
        return out
    }
}
